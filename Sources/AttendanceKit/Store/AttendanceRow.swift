import Foundation
import GRDB

/// One attendance record as the API and the live feed show it.
public struct AttendanceRow: Sendable, Codable, Equatable, FetchableRecord {
  public let id: Int64
  public let personID: String
  public let name: String
  public let classID: String?
  public let deviceID: String?
  public let capturedAt: String
  public let localDay: String
  public let direction: String
  public let distance: Double?
  public let liveness: String?
  /// Why the camera judged the face live ("live: solid head motion"); nil for a mark by hand.
  public let livenessReason: String?
  public let duplicates: Int
  /// A record marked by hand: who marked it, and their note.
  public let markedBy: String?
  public let note: String?
  /// Whether the server keeps the crop the camera sent (att-take --snapshots): admins see it at
  /// `/api/attendance/ID/snapshot` until the snapshot retention period ends.
  public let hasSnapshot: Bool

  enum CodingKeys: String, CodingKey {
    case id, name, direction, distance, liveness, duplicates, note
    case personID = "person_id"
    case classID = "class_id"
    case deviceID = "device_id"
    case capturedAt = "captured_at"
    case localDay = "local_day"
    case markedBy = "marked_by"
    case hasSnapshot = "has_snapshot"
    case livenessReason = "liveness_reason"
  }

  public init(row: Row) {
    id = row["id"]
    personID = row["person_id"]
    name = row["name"]
    classID = row["class_id"]
    deviceID = row["device_id"]
    capturedAt = row["captured_at"]
    localDay = row["local_day"]
    direction = row["direction"]
    distance = row["distance"]
    liveness = row["liveness"]
    livenessReason = row["liveness_reason"]
    duplicates = row["duplicates"]
    markedBy = row["marked_by"]
    note = row["note"]
    hasSnapshot = row["has_snapshot"]
  }

  static let columns = """
    a.id, a.person_id, p.name, a.class_id, a.device_id, a.captured_at, a.local_day, a.direction, a.distance,
    a.liveness, a.liveness_reason, a.duplicates, a.marked_by, a.note, a.media_path IS NOT NULL AS has_snapshot
    """
}
