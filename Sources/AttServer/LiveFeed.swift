import AttendanceKit
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The WebSocket clients and what is pushed to them. Each client has a bounded buffer: a client that
/// stops reading loses its oldest messages (and catches up from the database when it reconnects)
/// instead of growing the server's memory.
public final class LiveFeed: Sendable {
  private let clients = Mutex<[UUID: AsyncStream<ByteBuffer>.Continuation]>([:])
  let pushed = Atomic<Int>(0)

  public init() {}

  public var clientCount: Int { clients.withLock { $0.count } }
  public var eventsPushed: Int { pushed.load(ordering: .relaxed) }

  /// A new client's stream of messages; call `leave` with its id when it goes.
  func join() -> (UUID, AsyncStream<ByteBuffer>) {
    let id = UUID()
    let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingNewest(2000))
    clients.withLock { $0[id] = continuation }
    return (id, stream)
  }

  func leave(_ id: UUID) {
    clients.withLock { $0.removeValue(forKey: id) }?.finish()
  }

  /// Sends one message to every client: encoded once, the same bytes shared by every socket.
  func broadcast(_ text: String) {
    let bytes = ByteBuffer(string: text)
    let targets = clients.withLock { Array($0.values) }
    for client in targets { client.yield(bytes) }
    pushed.add(targets.count, ordering: .relaxed)
  }

  func finishAll() {
    let all = clients.withLock { table in
      defer { table.removeAll() }
      return Array(table.values)
    }
    for client in all { client.finish() }
  }
}

/// What the feed sends: `{"type":"attendance","records":[...]}` with the records committed since the
/// last message (one message for a burst, not one per record), and `{"type":"changed","what":"people"}`
/// hints when people or unknown faces change.
enum FeedMessage {
  private struct Envelope: Encodable {
    let type = "attendance"
    let records: [AttendanceRow]
  }

  static func attendance(_ rows: some Collection<AttendanceRow>) -> String {
    (try? String(decoding: JSONEncoder.api.encode(Envelope(records: Array(rows))), as: UTF8.self)) ?? "{}"
  }

  /// At most 40 records (about 8 KB) per message: under the 16 KB frame limit many WebSocket clients
  /// keep by default.
  static func chunks(_ rows: [AttendanceRow]) -> [ArraySlice<AttendanceRow>] {
    stride(from: 0, to: rows.count, by: 40).map { rows[$0..<min($0 + 40, rows.count)] }
  }

  private struct Changed: Encodable {
    let type = "changed"
    let what: String
  }

  private struct Hello: Encodable {
    let type = "hello"
    let caught_up_to: Int64
  }

  /// The first message after catching up: the newest record sent.
  static func hello(caughtUpTo last: Int64) -> String {
    (try? String(decoding: JSONEncoder.api.encode(Hello(caught_up_to: last)), as: UTF8.self)) ?? "{}"
  }

  static func changed(_ what: String) -> String {
    (try? String(decoding: JSONEncoder.api.encode(Changed(what: what)), as: UTF8.self)) ?? "{}"
  }
}

extension JSONEncoder {
  /// The API's encoding: att's own (ISO 8601 dates, stable key order).
  static var api: JSONEncoder { .att }
}

/// Follows the committed records and pushes them to the feed: woken at once by `att.events` in queue
/// mode, and polling the database every `pollInterval` (the only source in direct mode, and the
/// fallback while the broker is away). Records are read back from the database by id, so whatever
/// wakes it, nothing is pushed before its commit, nothing is missed and nothing is pushed twice.
public final class FeedFollower: Service, Sendable {
  let queries: AttendanceQueries
  let feed: LiveFeed
  let broker: BrokerURL?
  let pollInterval: Double
  let database: BlockingWork
  let logger: Logger
  /// Seconds from a record's commit to its push, last seen (for /metrics).
  let lastLag = Mutex<Double?>(nil)
  let brokerConnected = Atomic<Bool>(false)

  init(
    queries: AttendanceQueries, feed: LiveFeed, broker: BrokerURL?, pollInterval: Double = 0.05, database: BlockingWork,
    logger: Logger
  ) {
    self.queries = queries
    self.feed = feed
    self.broker = broker
    self.pollInterval = pollInterval
    self.database = database
    self.logger = logger
  }

  /// What one look at the database found: new records (in order) and the people stamp.
  private struct Look: Sendable {
    var pages: [[AttendanceRow]] = []
    var last: Int64
    var lag: Double?
    var stamp: String
  }

  /// Reads what was committed after `last`, on the database threads.
  private func look(after last: Int64) async throws -> Look {
    try await database.run {
      var look = Look(last: last, stamp: "")
      var rows = try self.queries.feed(after: last)
      while !rows.isEmpty {
        look.pages.append(rows)
        look.last = rows.last!.id
        rows = rows.count == 500 ? try self.queries.feed(after: look.last) : []
      }
      if look.last > last { look.lag = try self.queries.commitAge(of: look.last) }
      look.stamp = try self.stamp()
      return look
    }
  }

  public func run() async throws {
    let queries = self.queries
    var last = try await database.run { try queries.lastAttendanceID() }
    var peopleStamp = try await database.run { try self.stamp() }
    let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    let stop = StopSignal()
    if let broker { startSubscription(broker, wake: wake, stop: stop) }
    defer { stop.stop() }
    await withGracefulShutdownHandler {
      // The poll: every pollInterval in direct mode or while the broker is away; once a second as a
      // safety net while att.events is connected (the events wake the feed at once).
      let ticker = Task {
        while !Task.isCancelled {
          let connected = brokerConnected.load(ordering: .relaxed)
          try? await Task.sleep(for: .seconds(connected ? max(pollInterval, 1) : pollInterval))
          wake.yield()
        }
      }
      defer { ticker.cancel() }
      for await _ in wakeups {
        if Task.isCancelled { break }
        do {
          let look = try await look(after: last)
          for rows in look.pages {
            for chunk in FeedMessage.chunks(rows) { feed.broadcast(FeedMessage.attendance(chunk)) }
          }
          last = look.last
          if let lag = look.lag { lastLag.withLock { $0 = lag } }
          if look.stamp != peopleStamp {
            peopleStamp = look.stamp
            feed.broadcast(FeedMessage.changed("people"))
          }
        } catch {
          logger.warning("live feed: reading the database failed: \(error)")
        }
      }
    } onGracefulShutdown: {
      wake.finish()
      stop.stop()
      self.feed.finishAll()
    }
  }

  /// Changes to people, unknown faces and corrections, cheaply: a count and a maximum over people
  /// (hundreds or thousands of rows), the newest unknown face's id and the newest audit row's (every
  /// correction, excuse and calendar change writes one).
  private func stamp() throws -> String {
    try queries.store.reader { db in
      try String.fetchOne(
        db,
        sql: """
          SELECT (SELECT count(*) FROM people) || ':' || (SELECT ifnull(max(updated_at), '') FROM people)
                 || ':' || (SELECT ifnull(max(id), 0) FROM unknown_faces)
                 || ':' || (SELECT ifnull(max(id), 0) FROM audit_log)
          """) ?? ""
    }
  }

  /// The broker's events on a thread of their own (librabbitmq blocks); any event wakes the follower,
  /// which reads what was committed from the database.
  private func startSubscription(_ broker: BrokerURL, wake: AsyncStream<Void>.Continuation, stop: StopSignal) {
    let connected = self
    Thread {
      let subscription = EventSubscription(broker: broker, retryAfter: 2)
      while !stop.isStopped {
        let events = subscription.next(timeout: 0.5)
        connected.brokerConnected.store(subscription.isConnected, ordering: .relaxed)
        if !events.isEmpty { wake.yield() }
      }
    }.start()
  }
}

extension AttendanceQueries {
  /// Seconds since the record was committed (for the lag metric).
  func commitAge(of id: Int64) throws -> Double? {
    guard id > 0 else { return nil }
    return try store.reader { db in
      try Date.fetchOne(db, sql: "SELECT recorded_at FROM attendance WHERE id = ?", arguments: [id]).map {
        Date().timeIntervalSince($0)
      }
    }
  }
}
