import Foundation
import GRDB

public struct DaySummary: Codable, Sendable {
  public struct Present: Codable, Sendable {
    public let personID: String
    public let name: String
    public let capturedAt: String
    public let deviceID: String?
    public let late: Bool

    enum CodingKeys: String, CodingKey {
      case name, late
      case personID = "person_id"
      case capturedAt = "captured_at"
      case deviceID = "device_id"
    }
  }
  public struct Absent: Codable, Sendable {
    public let personID: String
    public let name: String

    enum CodingKeys: String, CodingKey {
      case name
      case personID = "person_id"
    }
  }
  public let day: String
  public let classID: String?
  public let lateAfter: String?
  public let schoolDay: Bool
  public let holiday: String?
  public let expected: Int
  public let present: [Present]
  public let absent: [Absent]
  public let excused: Int
  public let late: Int
  /// On the roll and not recorded, on a day still to come or today before the class's start time:
  /// not absent yet. With present (members), absent and excused it adds up to `expected`.
  public let notYet: Int

  enum CodingKeys: String, CodingKey {
    case day, holiday, expected, present, absent, excused, late
    case notYet = "not_yet"
    case classID = "class_id"
    case lateAfter = "late_after"
    case schoolDay = "school_day"
  }
}
