import Foundation
import GRDB

public struct DayCount: Codable, Sendable, Equatable {
  public let day: String
  public let schoolDay: Bool
  public let present: Int
  public let late: Int
  public let absent: Int
  public let excused: Int

  enum CodingKeys: String, CodingKey {
    case day, present, late, absent, excused
    case schoolDay = "school_day"
  }
}
