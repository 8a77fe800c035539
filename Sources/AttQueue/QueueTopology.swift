import AttendanceKit
import Foundation

/// The exchanges and queues every att tool agrees on. Declaring is idempotent, so each producer and
/// worker declares all of it on connect (and again after a reconnect).
public enum QueueTopology {
  /// Durable topic exchange producers publish to, with the message type as routing key.
  public static let exchange = "att"
  /// Where messages that can never succeed go, with the reason in the `x-att-reason` header.
  public static let deadExchange = "att.dead"
  public static let deadQueue = "att.dead-letters"
  /// Fanout exchange of committed events (the dashboard, att-take's gallery reload).
  public static let events = "att.events"
  /// Enrolment traffic: register, rename-person, remove-person.
  public static let registerQueue = "att.register"
  /// Camera traffic: attendance, unknown-face, liveness-refusal.
  public static let attendanceQueue = "att.attendance"

  static let bindings: [(queue: String, keys: [String])] = [
    (registerQueue, ["register", "rename-person", "remove-person"]),
    (attendanceQueue, ["attendance", "unknown-face", "liveness-refusal"]),
  ]

  /// Declares everything (durable exchanges, durable queues with the dead-letter exchange, bindings),
  /// the queues of the broker URL's `queueType`. The exclusive queues of event subscribers stay
  /// classic: they live as long as their connection, on the node it is connected to.
  public static func declare(on connection: AMQPConnection) throws(QueueError) {
    let type = connection.broker.queueType
    try connection.declareExchange(exchange, type: "topic")
    try connection.declareExchange(deadExchange, type: "fanout")
    try connection.declareExchange(events, type: "fanout")
    try declare(deadQueue, on: connection, type: type, deadLetterExchange: nil)
    try connection.bind(queue: deadQueue, exchange: deadExchange, routingKey: "")
    for (queue, keys) in bindings {
      try declare(queue, on: connection, type: type, deadLetterExchange: deadExchange)
      for key in keys { try connection.bind(queue: queue, exchange: exchange, routingKey: key) }
    }
  }

  private static func declare(
    _ queue: String, on connection: AMQPConnection, type: BrokerURL.QueueType, deadLetterExchange: String?
  ) throws(QueueError) {
    do {
      try connection.declareQueue(queue, deadLetterExchange: deadLetterExchange, type: type)
    } catch .refused(let broker, let code, let reason) where code == 406 && reason.contains("x-queue-type") {
      // The queue exists as the other kind (a site half-moved to quorum queues): say what to do.
      throw .refused(
        broker, code: code,
        reason: "\(queue) exists with another queue type than MQ_QUEUE_TYPE=\(type.rawValue) (\(reason)). Every tool of a site "
          + "must use the same MQ_QUEUE_TYPE; to change it, stop the producers, let att-worker empty the queue, delete it "
          + "(rabbitmqctl delete_queue \(queue)) and start again, or use a new virtual host")
    }
  }
}
