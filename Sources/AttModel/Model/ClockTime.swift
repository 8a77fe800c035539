import Foundation

/// A clock time `HH:MM` (24 h), as `--late-after` and manual records take it.
public struct ClockTime: Sendable, Equatable {
  public let hour: Int
  public let minute: Int

  public init?(_ text: String) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard text.count == 5, parts.count == 2, parts[0].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
      (0..<24).contains(hour), (0..<60).contains(minute)
    else { return nil }
    self.hour = hour
    self.minute = minute
  }

  /// `HH:MM`.
  public var text: String { String(format: "%02d:%02d", hour, minute) }
}
