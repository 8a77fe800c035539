import Foundation
import GRDB

/// The school calendar: which weekdays are school days, the holidays, and the time each class
/// starts (an arrival after it is late). Absence is counted only on school days, and only from the
/// day a person was enrolled.
public struct SchoolCalendar: Sendable, Codable, Equatable {
  public struct Holiday: Sendable, Codable, Equatable {
    public var day: String
    public var name: String

    public init(day: String, name: String) {
      self.day = day
      self.name = name
    }
  }

  /// ISO weekdays, 1 Monday to 7 Sunday.
  public var weekdays: [Int]
  public var holidays: [Holiday]
  /// Class id to `HH:MM`.
  public var classStarts: [String: String]

  public init(weekdays: [Int] = [1, 2, 3, 4, 5], holidays: [Holiday] = [], classStarts: [String: String] = [:]) {
    self.weekdays = weekdays
    self.holidays = holidays
    self.classStarts = classStarts
  }

  enum CodingKeys: String, CodingKey {
    case weekdays, holidays
    case classStarts = "class_starts"
  }

  public func holiday(on day: Day) -> String? {
    holidays.first { $0.day == day.text }?.name
  }

  public func isSchoolDay(_ day: Day) -> Bool {
    weekdays.contains(day.weekday) && holiday(on: day) == nil
  }

  /// The first problem with this calendar, naming the field, or nil.
  public func problem(knownClasses: Set<String>) -> String? {
    if let bad = weekdays.first(where: { !(1...7).contains($0) }) { return "weekdays: \(bad) is not 1 (Monday) to 7 (Sunday)" }
    if holidays.count > 1000 { return "holidays: \(holidays.count) entries (at most 1000)" }
    for (k, holiday) in holidays.enumerated() {
      if Day(holiday.day) == nil { return "holidays[\(k)].day: '\(holiday.day.prefix(40))' is not a date (YYYY-MM-DD)" }
      if let problem = MessageLimits.checkText(holiday.name, field: "name", maxLength: MessageLimits.nameLength) {
        return "holidays[\(k)].name \(problem)"
      }
    }
    for (classID, start) in classStarts.sorted(by: { $0.key < $1.key }) {
      if !knownClasses.contains(classID) { return "class_starts: no class '\(classID.prefix(64))'" }
      if !start.isEmpty && ClockTime(start) == nil { return "class_starts.\(classID): '\(start.prefix(20))' is not HH:MM" }
    }
    return nil
  }
}
