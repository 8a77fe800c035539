import Foundation

/// A camera timestamp: ISO 8601 with its UTC offset, from which the local day of the attendance rule
/// comes (a 23:30 arrival at UTC+05:30 counts for that local day, not the UTC one).
///
/// Messages carry it typed: it is parsed once, when the message is decoded (a bad one is refused there,
/// with the field named), and written back as the text it was read from.
public struct CapturedTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  /// As written: `2026-11-25T09:01:02+05:30`.
  public let text: String
  public let instant: Date
  /// YYYY-MM-DD in the camera's own offset.
  public let localDay: String

  /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` by hand: a worker reads thousands per second,
  /// and Foundation's ISO8601DateFormatter builds an ICU formatter each time (a third of the worker's
  /// time in a profile). The local day is the date as written, since it is in the camera's own offset.
  public init?(_ text: String) {
    let b = Array(text.utf8)
    func number(_ from: Int, _ count: Int) -> Int? {
      guard from + count <= b.count else { return nil }
      var value = 0
      for i in from..<(from + count) {
        guard b[i] >= 48 && b[i] <= 57 else { return nil }
        value = value * 10 + Int(b[i] - 48)
      }
      return value
    }
    guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58,
      let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
      let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
      MessageLimits.years.contains(year), (1...12).contains(month), day >= 1,
      day <= CapturedTime.daysIn(month: month, year: year), hour < 24, minute < 60, second < 60
    else { return nil }
    var i = 19
    var fraction = 0.0
    if i < b.count && b[i] == 46 {  // .fraction
      i += 1
      var scale = 0.1
      let start = i
      while i < b.count, b[i] >= 48 && b[i] <= 57 {
        fraction += Double(b[i] - 48) * scale
        scale /= 10
        i += 1
      }
      guard i > start else { return nil }
    }
    let offset: Int
    if i == b.count - 1 && (b[i] == 90 || b[i] == 122) {  // Z
      offset = 0
    } else if i == b.count - 6, b[i] == 43 || b[i] == 45, b[i + 3] == 58, let oh = number(i + 1, 2), let om = number(i + 4, 2),
      oh < 24, om < 60
    {
      offset = (b[i] == 45 ? -1 : 1) * (oh * 3600 + om * 60)
      guard MessageLimits.utcOffsets.contains(offset) else { return nil }
    } else {
      return nil
    }
    let days = CapturedTime.daysFromCivil(year: year, month: month, day: day)
    let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
    instant = Date(timeIntervalSince1970: seconds)
    localDay = String(decoding: b[0..<10], as: UTF8.self)
    self.text = text
  }

  /// `date` with the UTC offset of `timeZone` (what a camera on this host writes).
  /// A clock set to another century makes a time `Message.validate` refuses (see `isWithinLimits`).
  public init(_ date: Date, timeZone: TimeZone = .current) {
    text = CapturedTime.string(from: date, timeZone: timeZone)
    instant = date
    localDay = String(text.prefix(10))
  }

  /// In the years of `MessageLimits` (always, for a time that was parsed).
  var isWithinLimits: Bool { Int(localDay.prefix(4)).map(MessageLimits.years.contains) ?? false }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let time = CapturedTime(text) else {
      throw FieldProblem(decoder.codingPath, CapturedTime.problem(text) ?? "is not a camera time")
    }
    self = time
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(text)
  }

  public var description: String { text }

  /// HH:MM as written (the camera's or the school's own clock).
  public var clockText: String { String(text.dropFirst(11).prefix(5)) }

  /// Why `text` is not a usable camera time, or nil when it is.
  static func problem(_ text: String) -> String? {
    if text.count > 40 { return "is longer than 40 characters" }
    guard CapturedTime(text) == nil else { return nil }
    return
      "'\(text)' is not an ISO 8601 time with a UTC offset (e.g. 2026-11-25T09:01:02+01:00), in the years \(MessageLimits.years.lowerBound)-\(MessageLimits.years.upperBound), with an offset from -12:00 to +14:00"
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  public static func < (a: CapturedTime, b: CapturedTime) -> Bool { a.instant < b.instant }

  /// HH:MM of this instant in `zone` (the school's), whatever the camera's own offset was.
  package func clock(in zone: TimeZone) -> String {
    let local = Int((instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))).rounded(.down))
    let minutes = ((local / 60) % 1440 + 1440) % 1440
    return String(format: "%02d:%02d", minutes / 60, minutes % 60)
  }
}

extension CapturedTime {
  /// `date` as ISO 8601 with this machine's UTC offset (what a camera on this host writes).
  public static func string(from date: Date, timeZone: TimeZone = .current) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = timeZone
    formatter.formatOptions = [.withInternetDateTime]
    var text = formatter.string(from: date)
    // ISO8601DateFormatter writes Z for UTC; the offset form reads the same and is explicit.
    if text.hasSuffix("Z") { text = String(text.dropLast()) + "+00:00" }
    return text
  }
}
