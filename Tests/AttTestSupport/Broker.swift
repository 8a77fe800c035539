import Foundation

/// The project's RabbitMQ node (Scripts/broker), with a virtual host of its own per test so tests
/// that run at once never share queues.
public enum Broker {
  /// Starts the node if needed (idempotent), creates a fresh virtual host and returns its MQ_URL.
  public static func freshVirtualHost() throws -> String {
    try script(["start"])
    let name = "t-\(UUID().uuidString.prefix(8))"
    try script(["vhost", name])
    return "amqp://guest:guest@127.0.0.1:\(port)/\(name)"
  }

  public static var port: String { ProcessInfo.processInfo.environment["ATT_BROKER_PORT"] ?? "5672" }

  static func script(_ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "\(Checkout.root)/Scripts/broker")
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw BrokerUnavailable(arguments: arguments, status: process.terminationStatus) }
  }

  struct BrokerUnavailable: Error { let arguments: [String]; let status: Int32 }
}
