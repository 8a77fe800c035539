import AttendanceKit

/// Tests write camera times as text: `capturedAt: "2026-11-25T08:00:00+01:00"`. A literal that is not
/// a time is a mistake in the test, so it stops there.
extension CapturedTime: ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
  public init(stringLiteral text: String) {
    guard let time = CapturedTime(text) else { preconditionFailure("'\(text)' is not a camera time") }
    self = time
  }
}
