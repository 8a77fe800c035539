import Foundation
import GRDB

public struct DaySummary: Codable, Sendable {
  public struct Present: Codable, Sendable {
    public let person_id: String
    public let name: String
    public let captured_at: String
    public let device_id: String?
    public let late: Bool
  }
  public struct Absent: Codable, Sendable {
    public let person_id: String
    public let name: String
  }
  public let day: String
  public let class_id: String?
  public let late_after: String?
  public let school_day: Bool
  public let holiday: String?
  public let expected: Int
  public let present: [Present]
  public let absent: [Absent]
  public let excused: Int
  public let late: Int
}
