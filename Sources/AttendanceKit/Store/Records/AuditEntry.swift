import Foundation
import GRDB

/// One row of the audit log: who changed what, when, with the details as JSON text.
public struct AuditEntry: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
  public static let databaseTableName = "audit_log"

  public var id: Int64?
  public let at: Date
  public let actor: String
  public let action: String
  public let target: String
  public let details: String?

  init(at: Date, actor: String, action: String, target: String, details: [String: String]) throws {
    self.at = at
    self.actor = actor
    self.action = action
    self.target = target
    self.details = String(decoding: try JSONEncoder.att.encode(details), as: UTF8.self)
  }

  public mutating func didInsert(_ inserted: InsertionSuccess) {
    id = inserted.rowID
  }
}
