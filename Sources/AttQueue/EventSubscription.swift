import AttendanceKit
import Foundation

/// A subscription to committed events in queue mode: an exclusive queue bound to `att.events`, read
/// without holding anything up. It connects lazily and again after a loss (every `retryAfter`
/// seconds, 2 by default: a refused connection costs nothing, and a longer wait would leave the
/// reader behind a broker that restarted); while the broker is unreachable it simply delivers
/// nothing, and the reader falls back on the database.
public final class EventSubscription {
  private let broker: BrokerURL
  private var connection: AMQPConnection?
  private var nextAttempt = Deadline.now
  private let retryAfter: Double

  public init(broker: BrokerURL, retryAfter: Double = 2) {
    self.broker = broker
    self.retryAfter = retryAfter
  }

  /// Whether the subscription is connected now.
  public var isConnected: Bool { connection != nil }

  /// The bodies of the events that arrived, waiting up to `timeout` seconds for the first one.
  public func next(timeout: Double) -> [Data] {
    guard let connection = connected() else {
      Thread.sleep(forTimeInterval: timeout)
      return []
    }
    var bodies: [Data] = []
    do {
      var wait = timeout
      while let event = try connection.nextDelivery(timeout: wait) {
        try connection.ack(event.tag)
        bodies.append(event.body)
        wait = 0.001
      }
    } catch {
      connection.close()
      self.connection = nil
      nextAttempt = Deadline(seconds: retryAfter)
    }
    return bodies
  }

  private func connected() -> AMQPConnection? {
    if let connection { return connection }
    guard nextAttempt.hasPassed else { return nil }
    do {
      let fresh = try AMQPConnection(broker: broker, timeout: 1)
      try QueueTopology.declare(on: fresh)
      let queue = try fresh.declareQueue(nil)
      try fresh.bind(queue: queue, exchange: QueueTopology.events, routingKey: "")
      try fresh.consume(queue: queue, prefetch: 500)
      connection = fresh
      return fresh
    } catch {
      nextAttempt = Deadline(seconds: retryAfter)
      return nil
    }
  }

  /// The `type` field of an event body.
  public static func type(of body: Data) -> String? {
    (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["type"] as? String
  }
}
