import Foundation
import GRDB

public struct DayCount: Codable, Sendable, Equatable {
  public let day: String
  public let schoolDay: Bool
  public let present: Int
  public let late: Int
  public let absent: Int
  public let excused: Int
  /// Not yet: a day to come, or today before the class starts.
  public let notYet: Int

  enum CodingKeys: String, CodingKey {
    case day, present, late, absent, excused
    case notYet = "not_yet"
    case schoolDay = "school_day"
  }
}
