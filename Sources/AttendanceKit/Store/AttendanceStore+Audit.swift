import Foundation
import GRDB

/// One row of the audit log: who changed what, when, with the details as JSON text.
public struct AuditEntry: Sendable, Codable, Equatable {
  public let id: Int64
  public let at: Date
  public let actor: String
  public let action: String
  public let target: String
  public let details: String?
}

extension AttendanceStore {
  /// The newest `limit` entries, newest first.
  public func auditLog(limit: Int) throws -> [AuditEntry] {
    try reader { db in
      try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
        AuditEntry(id: $0["id"], at: $0["at"], actor: $0["actor"], action: $0["action"], target: $0["target"], details: $0["details"])
      }
    }
  }
}
