import Foundation

/// A camera timestamp: ISO 8601 with its UTC offset, from which the local day of the attendance rule
/// comes (a 23:30 arrival at UTC+05:30 counts for that local day, not the UTC one).
struct CapturedTime: Comparable {
  let instant: Date
  /// YYYY-MM-DD in the camera's own offset.
  let localDay: String

  init?(_ text: String) {
    let parser = ISO8601DateFormatter()
    parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let fallback = ISO8601DateFormatter()
    fallback.formatOptions = [.withInternetDateTime]
    guard let date = parser.date(from: text) ?? fallback.date(from: text) else { return nil }
    guard let offset = CapturedTime.offsetSeconds(text) else { return nil }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: offset) ?? .gmt
    let parts = calendar.dateComponents([.year, .month, .day], from: date)
    instant = date
    localDay = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
  }

  /// The offset written at the end of the timestamp: Z, +HH:MM or -HH:MM.
  private static func offsetSeconds(_ text: String) -> Int? {
    if text.hasSuffix("Z") || text.hasSuffix("z") { return 0 }
    let suffix = text.suffix(6)
    guard suffix.count == 6, let sign = suffix.first, sign == "+" || sign == "-",
      let hours = Int(suffix.dropFirst().prefix(2)), let minutes = Int(suffix.suffix(2))
    else { return nil }
    return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
  }

  static func < (a: CapturedTime, b: CapturedTime) -> Bool { a.instant < b.instant }
}

extension CapturedTime {
  /// `date` as ISO 8601 with this machine's UTC offset (what a camera on this host writes).
  static func string(from date: Date, timeZone: TimeZone = .current) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = timeZone
    formatter.formatOptions = [.withInternetDateTime]
    var text = formatter.string(from: date)
    // ISO8601DateFormatter writes Z for UTC; the offset form reads the same and is explicit.
    if text.hasSuffix("Z") { text = String(text.dropLast()) + "+00:00" }
    return text
  }
}
