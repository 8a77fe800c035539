import Foundation
import GRDB

/// One write transaction on the store, and the named changes made in it: what `MessageHandler`
/// applies for a message, with its audit row and its outbox events, commits or rolls back as one.
/// It is handed to the closure of `AttendanceStore.transaction(_:)` and is valid only inside it.
/// Its operations live by concern in `StoreTransaction+*.swift`; no caller writes SQL.
public struct StoreTransaction {
  let db: Database

  /// Rows changed by the last statement (an `INSERT OR IGNORE` that changed none was a duplicate).
  var changes: Int { db.changesCount }
}

extension AttendanceStore {
  /// Runs `body` in one write transaction: everything it changes is committed together when it
  /// returns, and nothing is when it throws.
  public func transaction<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
    try writer.write { db in try body(StoreTransaction(db: db)) }
  }
}
