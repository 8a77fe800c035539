import Foundation

/// A calendar day as the attendance table keeps it (`YYYY-MM-DD` in the camera's time zone).
public struct Day: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  public let text: String

  /// Parses a strict `YYYY-MM-DD` that names a real date.
  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 45 }),
      let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), MessageLimits.years.contains(y),
      (1...12).contains(m), d >= 1
    else { return nil }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
      calendar.component(.day, from: date) == d, calendar.component(.month, from: date) == m
    else { return nil }
    self.text = text
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let day = Day(text) else {
      throw FieldProblem(decoder.codingPath, "'\(text.prefix(40))' is not a date (YYYY-MM-DD, years \(Day.years))")
    }
    self = day
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(text)
  }

  /// Today on this host's clock and time zone.
  public static func today(_ now: Date = Date(), timeZone: TimeZone = .current) -> Day {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let c = calendar.dateComponents([.year, .month, .day], from: now)
    return Day(String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!))!
  }

  public var description: String { text }
  public static func < (a: Day, b: Day) -> Bool { a.text < b.text }

  /// The years a day may name, for messages.
  public static var years: String { "\(MessageLimits.years.lowerBound)-\(MessageLimits.years.upperBound)" }

  /// The ISO weekday: 1 Monday to 7 Sunday.
  public var weekday: Int {
    let weekday = Self.utc.component(.weekday, from: start)  // 1 Sunday ... 7 Saturday
    return weekday == 1 ? 7 : weekday - 1
  }

  /// The day `count` days later (earlier when negative).
  public func adding(days count: Int) -> Day {
    let date = Self.utc.date(byAdding: .day, value: count, to: start)!
    let c = Self.utc.dateComponents([.year, .month, .day], from: date)
    return Day(String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)) ?? self
  }

  /// Every day from `first` to `last`, both included (none when `last` is before `first`).
  public static func range(_ first: Day, _ last: Day) -> [Day] {
    var days: [Day] = []
    var day = first
    while day <= last && days.count < 40_000 {
      days.append(day)
      day = day.adding(days: 1)
    }
    return days
  }

  private static let utc: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
  }()

  /// Midnight UTC of this day (for calendar arithmetic only).
  private var start: Date {
    let parts = text.split(separator: "-").map { Int($0)! }
    return Self.utc.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
  }

  /// The moment this day shows `clock` in `timeZone`.
  public func date(at clock: ClockTime, in timeZone: TimeZone = .current) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let parts = text.split(separator: "-").map { Int($0)! }
    return calendar.date(
      from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: clock.hour, minute: clock.minute))!
  }
}
