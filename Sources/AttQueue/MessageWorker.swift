import FaceKit
import AttendanceKit
import Foundation
import Logging
import Synchronization

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
  /// The longest wait between attempts to reach the broker: trying costs a refused connection, and
  /// a longer wait would leave the worker seconds behind a broker that restarted.
  public var reconnectCeiling = 2.0
  public var log = Logger(label: "att.worker")

  /// What the worker did so far.
  public struct Counts: Sendable, Equatable {
    public var applied = 0
    public var duplicates = 0
    public var deadLettered = 0
    public var retried = 0
    public var events = 0
  }

  private let tally = Mutex(Counts())
  /// What the worker did so far; read from any thread (a test or a status line reads it while the
  /// worker's own thread counts).
  public var counts: Counts { tally.withLock { $0 } }
  /// Outbox events published and confirmed, up to this id; deleted with the next batch's commit.
  private var relayedThrough: Int64 = 0
  private var relayed: [Int64] = []
  private var consumer: AMQPConnection?
  private var publisher: AMQPConnection?

  public init(broker: BrokerURL, handler: MessageHandler, models: ModelSet?) {
    var handler = handler
    handler.recordsEvents = true
    self.broker = broker
    self.handler = handler
    self.models = models
  }

  /// Runs until `stop` is set; reconnects with back-off when the broker goes away.
  public func run(stop: StopSignal) {
    var backoff = 0.25
    var reported = false
    while !stop.isStopped {
      do {
        try connect()
        backoff = 0.25
        reported = false
        try relayEvents()
        try consumeUntilStopped(stop)
      } catch {
        disconnect()
        guard !stop.isStopped else { break }
        // One line when the broker goes, not one per attempt while it stays away.
        if !reported { log("\(error); reconnecting (every \(reconnectCeiling) s at most)") }
        reported = true
        stop.sleep(backoff)
        backoff = min(backoff * 2, reconnectCeiling)
      }
    }
    disconnect()
    try? handler.store.removeEvents(relayed)
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
      guard let first = try consumer.nextDelivery(timeout: 0.5) else {
        // Quiet: the relayed events are deleted on their own now.
        try handler.store.removeEvents(relayed)
        relayed = []
        continue
      }
      // Take what is already waiting, for at most batchWait: a busy queue gives big batches, a quiet
      // one gives a batch of one without delay.
      var deliveries = [first]
      let deadline = Deadline(seconds: batchWait)
      while deliveries.count < batch, !deadline.hasPassed,
        let more = try consumer.nextDelivery(timeout: max(deadline.remaining, 0.001))
      {
        deliveries.append(more)
      }
      var settled = Set<UInt64>()
      let complete = try process(deliveries, settled: &settled)
      try publisher?.waitForConfirms()
      try relayEvents()
      if complete {
        try consumer.ack(deliveries.last!.tag, multiple: true)
        failures = 0
      } else {
        // A transient failure: what was committed or dead-lettered is acknowledged (so it is never
        // dead-lettered or applied twice), the rest goes back to the head of its queue, and the
        // wait grows each time it happens again.
        for delivery in deliveries {
          if settled.contains(delivery.tag) { try consumer.ack(delivery.tag) } else { try consumer.requeue(delivery.tag) }
        }
        tally.withLock { $0.retried += 1 }
        failures += 1
        stop.sleep(min(retryDelay * pow(2, Double(failures - 1)), 30))
      }
    }
  }

  /// Applies a batch of deliveries in order: camera messages together in one transaction, the rest
  /// one by one. Returns false when a transient failure means the rest must be retried; `settled`
  /// then holds the tags already committed or dead-lettered.
  private func process(_ deliveries: [Delivery], settled: inout Set<UInt64>) throws -> Bool {
    var decoded: [(Delivery, Message)] = []
    for delivery in deliveries {
      do {
        decoded.append((delivery, try Message.decode(delivery.body)))
      } catch {
        try deadLetter(delivery, reason: error.description)
        settled.insert(delivery.tag)
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
        if MessageHandler.isBatchable(run[0].1) {
          // Message.decode checked each against MessageLimits: the handler does not again.
          results = try handler.apply(batch: run.map(\.1), removingRelayed: relayed, checked: true)
          relayed = []
        } else {
          results = [try handler.apply(run[0].1, checked: true)]
        }
      } catch {
        log("\(run.count) message(s) from \(run[0].1.type) \(run[0].1.id): \(error); will retry")
        return false
      }
      for ((delivery, message), result) in zip(run, results) {
        try finish(delivery, message, result)
        settled.insert(delivery.tag)
      }
      index += run.count
    }
    return true
  }

  /// After the commit: dead-letter a rejection, count, compute a registration's embeddings (whose
  /// event goes through the outbox like the rest).
  private func finish(_ delivery: Delivery, _ message: Message, _ result: HandlingResult) throws {
    switch result.outcome {
    case .rejected(let reason):
      try deadLetter(delivery, reason: reason)
      return
    case .applied: tally.withLock { $0.applied += 1 }
    case .duplicate: tally.withLock { $0.duplicates += 1 }
    }
    if case .register(let m) = message, let models {
      // The person becomes recognisable at once: embeddings of the new crops now, not at the next cron run.
      if let summary = try? EmbeddingUpdate.afterRegistration(
        of: m.personID, store: handler.store, media: handler.media, models: models, workers: 1),
        summary.computed > 0
      {
        try handler.store.enqueue([.galleryChanged])
      }
    }
  }

  /// Publishes what the outbox holds (the events of the commits so far, and any a killed worker
  /// left) and waits for the broker's confirms; they are deleted with the next batch's commit, or
  /// on their own when the queue is quiet. A failure leaves them for the next try.
  private func relayEvents() throws {
    guard let publisher else { return }
    while true {
      let pending = try handler.store.pendingEvents(after: relayedThrough)
      guard let last = pending.last else { return }
      for event in pending { try publisher.send(exchange: QueueTopology.events, routingKey: "", body: event.body) }
      try publisher.waitForConfirms()
      relayedThrough = last.id
      relayed += pending.map(\.id)
      tally.withLock { $0.events += pending.count }
    }
  }

  /// Parks a message that can never succeed in the dead-letter queue with the reason, confirmed
  /// before the original is acknowledged.
  private func deadLetter(_ delivery: Delivery, reason: String) throws(QueueError) {
    log("dead-lettered (\(delivery.routingKey)): \(reason)")
    try publisher?.publish(
      exchange: QueueTopology.deadExchange, routingKey: delivery.routingKey, body: delivery.body,
      headers: ["x-att-reason": String(reason.prefix(900))])
    tally.withLock { $0.deadLettered += 1 }
  }
}
