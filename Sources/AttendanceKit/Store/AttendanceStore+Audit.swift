import Foundation
import GRDB

extension AttendanceStore {
  /// The newest `limit` entries, newest first.
  public func auditLog(limit: Int) throws -> [AuditEntry] {
    try reader { db in try AuditEntry.order(Column("id").desc).limit(limit).fetchAll(db) }
  }
}

extension StoreTransaction {
  /// An audit row, written in the transaction of the change it records.
  public func audit(actor: String, action: String, target: String, _ details: [String: String], at now: Date = Date()) throws {
    var entry = try AuditEntry(at: now, actor: actor, action: action, target: target, details: details)
    try entry.insert(db)
  }
}
