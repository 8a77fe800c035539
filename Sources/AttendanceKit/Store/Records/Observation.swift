import Foundation
import GRDB

/// A row of `observations`: every message id ever applied (sightings and corrections), so that a
/// message delivered again changes nothing.
struct Observation: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "observations"

  var id: String
  /// The record it became or was counted against; nil for a correction or a record corrected away.
  var attendanceID: Int64?
  var outcome: String
  var receivedAt: Date

  enum CodingKeys: String, CodingKey {
    case id, outcome
    case attendanceID = "attendance_id"
    case receivedAt = "received_at"
  }
}
