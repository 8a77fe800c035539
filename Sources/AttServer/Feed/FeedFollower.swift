import AttQueue
import AttendanceKit
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Follows the committed records and pushes them to the feed: woken at once by `att.events` in queue
/// mode, and polling the database every `pollInterval` (the only source in direct mode, and the
/// fallback while the broker is away). Records are read back from the database by id, so whatever
/// wakes it, nothing is pushed before its commit, nothing is missed and nothing is pushed twice.
public final class FeedFollower: Service, Sendable {
  let store: AttendanceStore
  let feed: LiveFeed
  let broker: BrokerURL?
  let pollInterval: Double
  let database: BlockingWork
  let logger: Logger
  /// Seconds from a record's commit to its push, last seen (for /metrics).
  let lastLag = Mutex<Double?>(nil)
  let brokerConnected = Atomic<Bool>(false)

  init(
    store: AttendanceStore, feed: LiveFeed, broker: BrokerURL?, pollInterval: Double = 0.05, database: BlockingWork,
    logger: Logger
  ) {
    self.store = store
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
      var rows = try self.store.feed(after: last)
      while !rows.isEmpty {
        look.pages.append(rows)
        look.last = rows.last!.id
        rows = rows.count == 500 ? try self.store.feed(after: look.last) : []
      }
      if look.last > last { look.lag = try self.store.commitAge(of: look.last) }
      look.stamp = try self.store.changeStamp()
      return look
    }
  }

  public func run() async throws {
    let store = self.store
    var last = try await database.run { try store.lastAttendanceID() }
    var peopleStamp = try await database.run { try self.store.changeStamp() }
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

  /// The broker's events on a thread of their own (librabbitmq blocks); any event wakes the follower,
  /// which reads what was committed from the database.
  private func startSubscription(_ broker: BrokerURL, wake: AsyncStream<Void>.Continuation, stop: StopSignal) {
    let connected = self
    OwnThread.start(name: "att-serve events") {
      let subscription = EventSubscription(broker: broker, retryAfter: 2)
      while !stop.isStopped {
        let events = subscription.next(timeout: 0.5)
        connected.brokerConnected.store(subscription.isConnected, ordering: .relaxed)
        if !events.isEmpty { wake.yield() }
      }
    }
  }
}
