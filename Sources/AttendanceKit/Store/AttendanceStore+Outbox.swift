import Foundation
import GRDB

/// The event outbox: events are written in the same transaction as the change they describe, and a
/// relay publishes them after the commit and then deletes them. Delivery is at least once: a relay
/// killed after publishing and before deleting publishes again, with the same `event_id`, so a
/// consumer that counts events counts distinct ids.
extension AttendanceStore {
  /// One event waiting in the outbox.
  public struct PendingEvent: Sendable, Equatable {
    public let id: Int64
    public let body: Data
  }

  /// Writes `events` to the outbox inside the caller's transaction.
  static func enqueue(_ events: [StoreEvent], in db: Database) throws {
    guard !events.isEmpty else { return }
    let now = Date()
    let statement = try db.cachedStatement(sql: "INSERT INTO outbox (body, created_at) VALUES (?, ?)")
    for event in events { try statement.execute(arguments: [event.json(id: UUID()), now]) }
  }

  /// Writes `events` to the outbox in a transaction of their own (events of work done outside the
  /// handler, such as embeddings computed after a registration).
  public func enqueue(_ events: [StoreEvent]) throws {
    try writer.write { db in try Self.enqueue(events, in: db) }
  }

  /// The oldest events waiting to be published, after `id` (those up to it are already relayed and
  /// wait only to be deleted). Ids grow in commit order: SQLite has one writer at a time.
  public func pendingEvents(after id: Int64 = 0, limit: Int = 500) throws -> [PendingEvent] {
    try writer.read { db in
      try Row.fetchAll(db, sql: "SELECT id, body FROM outbox WHERE id > ? ORDER BY id LIMIT ?", arguments: [id, limit]).map {
        PendingEvent(id: $0["id"], body: $0["body"])
      }
    }
  }

  /// Removes events once the broker has confirmed them.
  public func removeEvents(_ ids: [Int64]) throws {
    guard !ids.isEmpty else { return }
    try writer.write { db in try Self.removeEvents(ids, in: db) }
  }

  static func removeEvents(_ ids: [Int64], in db: Database) throws {
    guard let first = ids.min(), let last = ids.max() else { return }
    if last - first + 1 == Int64(ids.count) {
      try db.cachedStatement(sql: "DELETE FROM outbox WHERE id BETWEEN ? AND ?").execute(arguments: [first, last])
    } else {
      let statement = try db.cachedStatement(sql: "DELETE FROM outbox WHERE id = ?")
      for id in ids { try statement.execute(arguments: [id]) }
    }
  }

  /// How many events wait in the outbox.
  public func pendingEventCount() throws -> Int {
    try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0 }
  }
}
