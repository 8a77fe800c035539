import Foundation

#if canImport(Glibc)
  import Glibc
#endif

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

  static func script(_ arguments: [String], environment: [String: String] = [:]) throws {
    let status = try runAndWait(
      "\(Checkout.root)/Scripts/broker", arguments,
      environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
    guard status == 0 else { throw BrokerUnavailable(arguments: arguments, status: status) }
  }

  struct BrokerUnavailable: Error { let arguments: [String]; let status: Int32 }
}

/// A second RabbitMQ node of the test's own (another port, folder and node name), for tests that stop
/// and restart the broker without disturbing the tests that use the shared one.
public struct PrivateBroker {
  public let port: Int
  let folder: String
  let node: String

  /// With `tlsPort`, the node also takes amqps:// there, with a certificate for localhost signed by
  /// the CA in `caFile`.
  public let tlsPort: Int?

  public init(port: Int, tlsPort: Int? = nil) throws {
    self.port = port
    self.tlsPort = tlsPort
    folder = try Checkout.scratchFolder("broker-\(port)")
    node = "att\(port)@localhost"
  }

  public var url: String { "amqp://guest:guest@127.0.0.1:\(port)/" }
  /// The TLS listener's URL, by host name: librabbitmq verifies DNS names only.
  public var tlsURL: String { "amqps://guest:guest@localhost:\(tlsPort ?? 5671)/" }
  public var caFile: String { "\(folder)/tls/ca.pem" }

  public func start() throws { try run("start") }
  public func stop() throws { try run("stop") }

  private func run(_ action: String) throws {
    try Broker.script(
      [action],
      environment: [
        "ATT_BROKER_PORT": String(port), "ATT_BROKER_DIR": folder, "ATT_BROKER_NODE": node,
        "ATT_BROKER_TLS_PORT": tlsPort.map(String.init) ?? "",
      ])
  }
}

/// Runs a command and waits for it with posix_spawn and waitpid. Foundation's Process could hang in
/// waitUntilExit on Linux here, leaving the script a zombie (seen with many processes starting at once).
/// With `quiet`, standard error goes to /dev/null too.
public func runAndWait(_ path: String, _ arguments: [String], environment: [String: String], quiet: Bool = false) throws
  -> Int32
{
  var pid: pid_t = 0
  let argv = ([path] + arguments).map { strdup($0) } + [nil]
  let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
  defer {
    argv.forEach { free($0) }
    envp.forEach { free($0) }
  }
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  if quiet { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
  let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
  guard spawned == 0 else { throw Broker.BrokerUnavailable(arguments: arguments, status: spawned) }
  var status: Int32 = 0
  while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
  return (status >> 8) & 0xFF
}
