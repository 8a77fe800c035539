import Foundation

/// att-take's subscription to committed events in queue mode: an exclusive queue bound to
/// `att.events`, read without blocking once per frame. When someone is enrolled, renamed or removed
/// (on any host, applied by any worker) the gallery is reloaded at once instead of at the next poll.
/// If the broker is unreachable the subscription simply reports nothing; polling the database still works.
public final class GalleryEvents {
  private let broker: BrokerURL
  private var connection: AMQPConnection?
  private var queue = ""
  private var nextAttempt = Date.distantPast

  static let relevant: Set<String> = ["gallery_changed", "person_removed", "person_renamed", "person_registered"]

  public init(broker: BrokerURL) {
    self.broker = broker
  }

  /// Whether the gallery changed since the last call (never blocks for more than a millisecond).
  public func galleryChanged() -> Bool {
    if connection == nil {
      guard Date() >= nextAttempt else { return false }
      do {
        let fresh = try AMQPConnection(broker: broker, timeout: 1)
        try QueueTopology.declare(on: fresh)
        queue = try fresh.declareQueue(nil)
        try fresh.bind(queue: queue, exchange: QueueTopology.events, routingKey: "")
        try fresh.consume(queue: queue, prefetch: 100)
        connection = fresh
      } catch {
        nextAttempt = Date(timeIntervalSinceNow: 10)
        return false
      }
    }
    var changed = false
    do {
      while let event = try connection?.nextDelivery(timeout: 0.001) {
        try connection?.ack(event.tag)
        let type = (try? JSONSerialization.jsonObject(with: event.body) as? [String: Any])?["type"] as? String
        if let type, Self.relevant.contains(type) { changed = true }
      }
    } catch {
      connection?.close()
      connection = nil
      nextAttempt = Date(timeIntervalSinceNow: 5)
    }
    return changed
  }
}
