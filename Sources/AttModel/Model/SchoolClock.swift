import Foundation

/// What "now" and "today" are for the views: the wall clock in the school's time zone, or, for
/// tests and demonstrations, a clock that starts at a given instant and runs from there
/// (`att-serve --clock-start`), so that nothing a page shows depends on the hour it is run at.
public struct SchoolClock: Sendable {
  public let timeZone: TimeZone
  /// The zone's name as configured (Foundation may spell UTC as GMT): what the page shows.
  public let zoneName: String
  /// The instant the clock was set to, and the host's uptime at that moment.
  private let start: (instant: Date, uptime: ContinuousClock.Instant)?

  /// The host's clock in `timeZone`.
  public init(timeZone: TimeZone = .current, name: String? = nil) {
    self.timeZone = timeZone
    zoneName = name ?? timeZone.identifier
    start = nil
  }

  /// A clock that reads `instant` now and advances at the host's pace.
  public init(startingAt instant: Date, timeZone: TimeZone = .current, name: String? = nil) {
    self.timeZone = timeZone
    zoneName = name ?? timeZone.identifier
    start = (instant, ContinuousClock.now)
  }

  public static let system = SchoolClock()

  public func now() -> Date {
    guard let start else { return Date() }
    let elapsed = ContinuousClock.now - start.uptime
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return start.instant.addingTimeInterval(seconds)
  }

  /// Today in the school's zone.
  public func today() -> Day { Day.today(now(), timeZone: timeZone) }

  /// The clock time now, HH:MM, in the school's zone.
  public func clockTime() -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let c = calendar.dateComponents([.hour, .minute], from: now())
    return String(format: "%02d:%02d", c.hour!, c.minute!)
  }
}
