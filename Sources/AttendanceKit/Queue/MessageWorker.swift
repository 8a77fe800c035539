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
  /// The first wait after a transient failure; it doubles with each failure in a row, up to 30 s.
  public var retryDelay = 0.5
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
    var failures = 0
    while !stop.isStopped {
      guard let first = try consumer.nextDelivery(timeout: 0.5) else { continue }
      // Take what is already waiting, for at most batchWait: a busy queue gives big batches, a quiet
      // one gives a batch of one without delay.
      var deliveries = [first]
      let deadline = Date(timeIntervalSinceNow: batchWait)
      while deliveries.count < batch, deadline.timeIntervalSinceNow > 0,
        let more = try consumer.nextDelivery(timeout: max(deadline.timeIntervalSinceNow, 0.001))
      {
        deliveries.append(more)
      }
      if try process(deliveries) {
        try publisher?.waitForConfirms()
        try consumer.ack(deliveries.last!.tag, multiple: true)
        failures = 0
      } else {
        // A transient failure: nothing of this batch was committed; hand it all back (it stays at the
        // head of its queue) and wait longer each time it happens again.
        for delivery in deliveries { try consumer.requeue(delivery.tag) }
        counts.retried += 1
        failures += 1
        let until = Date(timeIntervalSinceNow: min(retryDelay * pow(2, Double(failures - 1)), 30))
        while Date() < until && !stop.isStopped { Thread.sleep(forTimeInterval: 0.05) }
      }
    }
  }

  /// Applies a batch of deliveries in order: camera messages together in one transaction, the rest
  /// one by one. Returns false when a transient failure means the batch must be retried.
  private func process(_ deliveries: [Delivery]) throws -> Bool {
    var decoded: [(Delivery, Message)] = []
    for delivery in deliveries {
      do {
        decoded.append((delivery, try Message.decode(delivery.body)))
      } catch {
        try deadLetter(delivery, reason: error.description)
      }
    }
    var index = 0
    while index < decoded.count {
      var run = [decoded[index]]
      while MessageHandler.isBatchable(run[0].1), index + run.count < decoded.count,
        MessageHandler.isBatchable(decoded[index + run.count].1)
      {
        run.append(decoded[index + run.count])
      }
      let results: [HandlingResult]
      do {
        results = run.count > 1 ? try handler.apply(batch: run.map(\.1)) : [try handler.apply(run[0].1)]
      } catch {
        log("\(run.count) message(s) from \(run[0].1.type) \(run[0].1.id): \(error); will retry")
        return false
      }
      for ((delivery, message), result) in zip(run, results) { try finish(delivery, message, result) }
      index += run.count
    }
    return true
  }

  /// After the commit: dead-letter a rejection, count, compute a registration's embeddings, publish events.
  private func finish(_ delivery: Delivery, _ message: Message, _ result: HandlingResult) throws {
    switch result.outcome {
    case .rejected(let reason):
      try deadLetter(delivery, reason: reason)
      return
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
  }

  /// Sends an event after its commit; the batch's events are confirmed together before the ack.
  private func publish(_ event: StoreEvent) throws(QueueError) {
    try publisher?.send(exchange: QueueTopology.events, routingKey: "", body: event.json)
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
