import AttendanceKit
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Queue mode: messages are written to a local spool (one fsync'd file each) and published from
/// there, in order, with publisher confirms; a file leaves the spool only once the broker confirmed
/// it. When the broker is unreachable the producer keeps going and the spool grows. A thread of its
/// own sends what waits as soon as the broker is back, whether or not a new message comes, and at
/// start it sends what an earlier run left.
///
/// Several processes may share a spool (att-take and att-register on one host, att-worker or
/// `att-register flush` draining what exited producers left): file names carry the time and the
/// process id, so they never collide and sort in the order they were written, and one process
/// sends at a time (an `flock` on `.send-lock`), so no message is published twice by two senders.
public final class QueueDelivery: MessageDelivery, @unchecked Sendable {
  public let broker: BrokerURL
  public let spool: String
  /// What the producers' threads and the drainer share, under one lock.
  private struct State {
    var connection: AMQPConnection?
    var nextAttempt = Deadline.now
    var backoff = 1.0
    var sequence: UInt64 = 0
    var draining = false
    var stopped = false
  }
  private let state = Mutex(State())
  private let wake = DispatchSemaphore(value: 0)
  /// Called with a line for the operator when the broker goes away or comes back.
  public var log = Logger(label: "att.queue")
  /// The longest wait between attempts to reach the broker.
  public var retryCeiling = 30.0

  public init(broker: BrokerURL, spool: String) throws {
    self.broker = broker
    self.spool = spool
    try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
  }

  /// A spool file name: nanoseconds since 1970 (never twice the same in this process), the pid, and
  /// the routing key (the message's type), so that sending it needs no parse of its bytes:
  /// 00001764748800123456789-4242.attendance.json.
  private static func nextName(routingKey: String, _ s: inout State) -> String {
    let now = UInt64(max(Date().timeIntervalSince1970, 0) * 1e9)
    s.sequence = max(now, s.sequence + 1)
    return String(format: "%020llu-%d.%@.json", s.sequence, getpid(), routingKey)
  }

  /// The routing key of a spool file: from its name, or for a file spooled by an older version
  /// (NANOS-PID.json), from its bytes.
  static func routingKey(of file: String, body: Data) -> String {
    let parts = file.dropLast(".json".count).split(separator: ".")
    if parts.count == 2, parts[1].allSatisfy({ $0.isLetter || $0 == "-" }) { return String(parts[1]) }
    return (try? Message.decode(body).type) ?? "invalid"
  }

  deinit { close() }

  /// Starts the thread that sends the spool in the background: at once (what an earlier run left),
  /// then whenever messages wait and the back-off allows. Idempotent.
  public func startDraining() {
    let start = state.withLock { s -> Bool in
      defer { s.draining = true }
      return !s.draining && !s.stopped
    }
    guard start else { return }
    let thread = Thread { [weak self] in
      while let self, self.drainOnce() {}
    }
    thread.name = "att spool"
    thread.start()
  }

  /// One round of the background thread: sends what waits, then sleeps until the next attempt is
  /// due (or a new message wakes it). Returns false once closed.
  private func drainOnce() -> Bool {
    let wait: Double = state.withLock { s in
      if s.stopped { return -1 }
      send(&s)
      if Self.pending(in: spool).isEmpty { return 5 }
      return max(s.nextAttempt.remaining, 0.2)
    }
    guard wait >= 0 else { return false }
    _ = wake.wait(timeout: .now() + wait)
    return state.withLock { !$0.stopped }
  }

  /// Stops the background thread and closes the connection; spooled messages stay on disk.
  public func close() {
    let wasDraining = state.withLock { s in
      defer {
        s.stopped = true
        s.connection?.close()
        s.connection = nil
      }
      return s.draining && !s.stopped
    }
    if wasDraining { wake.signal() }
  }

  /// How many messages wait in the spool now.
  public var pendingCount: Int { Self.pending(in: spool).count }

  public var summary: String { "queue mode, broker \(broker), spool \(spool)/" }

  /// Spools the message, then sends whatever the spool holds. Returns `.queued` once the message is
  /// safely on disk, whether or not the broker has it yet.
  public func deliver(_ message: Message, checked: Bool) throws -> DeliveryReceipt {
    // The one check on the producer's side: a message outside MessageLimits is refused here, with
    // the field named, not spooled to be dead-lettered by the worker.
    if !checked { try message.validate() }
    let body = try message.encoded()
    let wakeDrainer = try state.withLock { s throws -> Bool in
      let name = Self.nextName(routingKey: message.type, &s)
      try Self.writeDurably(body, to: "\(spool)/\(name)")
      send(&s)
      return s.draining
    }
    if wakeDrainer { wake.signal() }
    return .queued
  }

  /// Sends the spooled messages now (if the broker can be reached); returns how many remain.
  @discardableResult
  public func flush() -> Int {
    state.withLock { s in
      send(&s)
      return Self.pending(in: spool).count
    }
  }

  /// Before the producer exits: keeps trying to send what waits for up to `seconds` (the broker may
  /// be coming back), then says what is left.
  public func finish(within seconds: Double) -> DeliveryBacklog? {
    let deadline = Deadline(seconds: seconds)
    var left = flush()
    while left > 0, !deadline.hasPassed {
      Thread.sleep(forTimeInterval: min(0.2, deadline.remaining))
      state.withLock { s in if s.connection == nil { s.nextAttempt = .now } }
      left = flush()
    }
    close()
    return DeliveryBacklog(pending: left, spool: spool, broker: broker.description)
  }

  /// Sends what the spool holds, in order, holding the lock (`s`).
  private func send(_ s: inout State) {
    guard !Self.pending(in: spool).isEmpty else { return }
    // Another process sending from this spool now: it sends these too; try again at the next round.
    let sendLock = Glibc.open("\(spool)/.send-lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard sendLock >= 0 else { return }
    defer { Glibc.close(sendLock) }
    guard flock(sendLock, LOCK_EX | LOCK_NB) == 0 else { return }
    defer { flock(sendLock, LOCK_UN) }
    let files = Self.pending(in: spool)
    guard !files.isEmpty else { return }
    if s.connection == nil {
      guard s.nextAttempt.hasPassed else { return }
      do {
        let fresh = try AMQPConnection(broker: broker)
        try QueueTopology.declare(on: fresh)
        s.connection = fresh
        s.backoff = 1
        log("connected to \(broker); sending \(files.count) spooled message(s)")
      } catch {
        s.nextAttempt = Deadline(seconds: s.backoff)
        // One line when the broker goes away, not one per attempt.
        if s.backoff == 1 { log("broker unreachable (\(error)); \(files.count) message(s) kept in \(spool)/ until it is back") }
        s.backoff = min(s.backoff * 2, retryCeiling)
        return
      }
    }
    for file in files {
      let path = "\(spool)/\(file)"
      guard let body = FileManager.default.contents(atPath: path) else { continue }
      let key = Self.routingKey(of: file, body: body)
      do {
        try s.connection?.publish(exchange: QueueTopology.exchange, routingKey: key, body: body)
        try FileManager.default.removeItem(atPath: path)
      } catch {
        s.connection?.close()
        s.connection = nil
        s.nextAttempt = Deadline(seconds: s.backoff)
        log("lost the broker while sending (\(error)); \(Self.pending(in: spool).count) message(s) kept")
        return
      }
    }
  }

  static func pending(in spool: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
      .sorted()
  }

  /// The message survives a crash or power loss.
  static func writeDurably(_ data: Data, to path: String) throws {
    try DurableFile.write(data, to: path)
  }
}
