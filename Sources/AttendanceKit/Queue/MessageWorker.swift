import FaceKit
import Foundation

/// att-worker's loop: consume the register and attendance queues with manual acks, apply each message
/// with the one handler, acknowledge only after its transaction committed, send messages that can
/// never succeed to the dead-letter queue with the reason, and publish the committed events.
/// A transient failure (database locked, disk full, broker gone) is retried, never acked or dropped.
public final class MessageWorker {
  public let broker: BrokerURL
  public let handler: MessageHandler
  public let models: ModelSet?
  public var prefetch = 200
  /// Messages taken before acknowledging them together (after each one's commit).
  public var batch = 100
  /// How long to wait for more messages before acknowledging a partial batch.
  public var batchWait = 0.02
  public var log: @Sendable (String) -> Void = { _ in }

  /// What the worker did so far.
  public struct Counts: Sendable, Equatable {
    public var applied = 0
    public var duplicates = 0
    public var deadLettered = 0
    public var retried = 0
    public var events = 0
  }

  public private(set) var counts = Counts()
  private var consumer: AMQPConnection?
  private var publisher: AMQPConnection?

  public init(broker: BrokerURL, handler: MessageHandler, models: ModelSet?) {
    self.broker = broker
    self.handler = handler
    self.models = models
  }

  /// Runs until `stop` is set; reconnects with back-off when the broker goes away.
  public func run(stop: StopSignal) {
    var backoff = 1.0
    while !stop.isStopped {
      do {
        try connect()
        backoff = 1
        try consumeUntilStopped(stop)
      } catch {
        disconnect()
        guard !stop.isStopped else { break }
        log("\(error); reconnecting in \(Int(backoff)) s")
        let until = Date(timeIntervalSinceNow: backoff)
        while Date() < until && !stop.isStopped { Thread.sleep(forTimeInterval: 0.1) }
        backoff = min(backoff * 2, 30)
      }
    }
    disconnect()
  }

  private func connect() throws(QueueError) {
    let consumer = try AMQPConnection(broker: broker)
    try QueueTopology.declare(on: consumer)
    try consumer.consume(queue: QueueTopology.registerQueue, prefetch: prefetch)
    try consumer.consume(queue: QueueTopology.attendanceQueue, prefetch: prefetch)
    self.consumer = consumer
    publisher = try AMQPConnection(broker: broker)
    log("consuming \(QueueTopology.registerQueue) and \(QueueTopology.attendanceQueue) on \(broker)")
  }

  private func disconnect() {
    consumer?.close()
    publisher?.close()
    consumer = nil
    publisher = nil
  }

  private func consumeUntilStopped(_ stop: StopSignal) throws {
    guard let consumer else { return }
    while !stop.isStopped {
      guard let first = try consumer.nextDelivery(timeout: 0.5) else { continue }
      var deliveries = [first]
      while deliveries.count < batch, let more = try consumer.nextDelivery(timeout: batchWait) { deliveries.append(more) }
      var lastDone: UInt64?
      for delivery in deliveries {
        guard try process(delivery) else {
          // Not applied (transient): acknowledge what was done, hand this one and the rest back.
          if let lastDone { try consumer.ack(lastDone, multiple: true) }
          for rest in deliveries.drop(while: { $0.tag != delivery.tag }) { try consumer.requeue(rest.tag) }
          counts.retried += 1
          Thread.sleep(forTimeInterval: 1)
          lastDone = nil
          break
        }
        lastDone = delivery.tag
      }
      if let lastDone { try consumer.ack(lastDone, multiple: true) }
    }
  }

  /// Applies one delivery. Returns false for a transient failure (the message must be retried).
  private func process(_ delivery: Delivery) throws -> Bool {
    let message: Message
    do {
      message = try Message.decode(delivery.body)
    } catch {
      try deadLetter(delivery, reason: error.description)
      return true
    }
    let result: HandlingResult
    do {
      result = try handler.apply(message)
    } catch {
      log("\(message.type) \(message.id): \(error); will retry")
      return false
    }
    switch result.outcome {
    case .rejected(let reason):
      try deadLetter(delivery, reason: reason)
      return true
    case .applied: counts.applied += 1
    case .duplicate: counts.duplicates += 1
    }
    if case .register(let m) = message, let models {
      // The person becomes recognisable at once: embeddings of the new crops now, not at the next cron run.
      var update = EmbeddingUpdate(store: handler.store, media: handler.media, models: models)
      update.personID = m.personID
      update.workers = 1
      if let summary = try? update.run(), summary.computed > 0 {
        try publish(.galleryChanged)
      }
    }
    for event in result.events { try publish(event) }
    return true
  }

  private func publish(_ event: StoreEvent) throws(QueueError) {
    try publisher?.publish(exchange: QueueTopology.events, routingKey: "", body: event.json)
    counts.events += 1
  }

  /// Parks a message that can never succeed in the dead-letter queue with the reason, confirmed
  /// before the original is acknowledged.
  private func deadLetter(_ delivery: Delivery, reason: String) throws(QueueError) {
    log("dead-lettered (\(delivery.routingKey)): \(reason)")
    try publisher?.publish(
      exchange: QueueTopology.deadExchange, routingKey: delivery.routingKey, body: delivery.body,
      headers: ["x-att-reason": String(reason.prefix(900))])
    counts.deadLettered += 1
  }
}
