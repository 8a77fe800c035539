import Foundation
import GRDB

/// One attendance record as the API and the live feed show it.
public struct AttendanceRow: Sendable, Codable, Equatable, FetchableRecord {
  public let id: Int64
  public let person_id: String
  public let name: String
  public let class_id: String?
  public let device_id: String?
  public let captured_at: String
  public let local_day: String
  public let direction: String
  public let distance: Double?
  public let liveness: String?
  public let duplicates: Int
  /// A record marked by hand: who marked it, and their note.
  public let marked_by: String?
  public let note: String?

  public init(row: Row) {
    id = row["id"]
    person_id = row["person_id"]
    name = row["name"]
    class_id = row["class_id"]
    device_id = row["device_id"]
    captured_at = row["captured_at"]
    local_day = row["local_day"]
    direction = row["direction"]
    distance = row["distance"]
    liveness = row["liveness"]
    duplicates = row["duplicates"]
    marked_by = row["marked_by"]
    note = row["note"]
  }

  static let columns = """
    a.id, a.person_id, p.name, a.class_id, a.device_id, a.captured_at, a.local_day, a.direction, a.distance,
    a.liveness, a.duplicates, a.marked_by, a.note
    """
}
