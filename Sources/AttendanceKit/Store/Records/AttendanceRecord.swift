import Foundation
import GRDB

/// A row of `attendance`: a person's first sighting (or mark by hand) of a day, per class and direction.
public struct AttendanceRecord: Sendable, Equatable, Codable, FetchableRecord, TableRecord {
  public static let databaseTableName = "attendance"

  /// Nil for a record not yet inserted.
  public var id: Int64?
  /// The UUID of the observation (or correction) kept for the day.
  public var observationID: String
  public var personID: String
  public var classID: String?
  /// The camera; nil for a record marked by hand.
  public var deviceID: String?
  /// ISO 8601 with the camera's UTC offset.
  public var capturedAt: String
  /// YYYY-MM-DD in the camera's time zone.
  public var localDay: String
  public var recordedAt: Date
  public var direction: String
  public var distance: Double?
  public var liveness: String?
  /// Why att-take judged the face live ("live: solid head motion", a challenge passed); nil for a
  /// mark by hand, and for records from before schema v13.
  public var livenessReason: String?
  /// The liveness cues' figures, as JSON text.
  public var livenessFigures: String?
  public var snapshotPath: String?
  /// The crop the camera sent (`--snapshots`), in the media library's review folder, kept for the
  /// snapshot retention period; nil without one, and once swept.
  public var mediaPath: String?
  /// Later sightings of the same day, counted and not kept.
  public var duplicates: Int = 0
  /// A record marked by hand: the note, and who marked it.
  public var note: String?
  public var markedBy: String?

  enum CodingKeys: String, CodingKey {
    case id, direction, distance, liveness, duplicates, note
    case observationID = "observation_id"
    case personID = "person_id"
    case classID = "class_id"
    case deviceID = "device_id"
    case capturedAt = "captured_at"
    case localDay = "local_day"
    case recordedAt = "recorded_at"
    case livenessReason = "liveness_reason"
    case livenessFigures = "liveness_figures"
    case snapshotPath = "snapshot_path"
    case markedBy = "marked_by"
    case mediaPath = "media_path"
  }
}
