import Foundation

/// A point some seconds ahead on the monotonic clock: the limit of a wait or the time of a retry,
/// which a step of the wall clock (NTP at boot on a camera host with no clock battery, an operator's
/// `date -s`) neither cuts short nor stretches by hours.
public struct Deadline: Sendable {
  private let end: ContinuousClock.Instant

  public init(seconds: Double) {
    end = ContinuousClock.now.advanced(by: .seconds(seconds.isFinite ? seconds : 0))
  }

  /// Already passed: for "try now".
  public static var now: Deadline { Deadline(seconds: 0) }

  public var hasPassed: Bool { ContinuousClock.now >= end }

  /// Seconds left, 0 once passed.
  public var remaining: Double {
    let left = ContinuousClock.now.duration(to: end)
    return max(Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18, 0)
  }

  /// The same limit for an API that takes a Date (NSCondition): now plus what is left, taken afresh
  /// at each wait.
  public var date: Date { Date(timeIntervalSinceNow: remaining) }
}

extension StopSignal {
  /// Sleeps for up to `seconds` of the monotonic clock, waking every 50 ms to return early once
  /// stopped. Whether the run was stopped.
  @discardableResult
  public func sleep(_ seconds: Double) -> Bool {
    let until = Deadline(seconds: seconds)
    while !until.hasPassed && !isStopped { Thread.sleep(forTimeInterval: min(0.05, until.remaining)) }
    return isStopped
  }
}

extension ContinuousClock.Instant {
  /// Seconds from this instant to now, on the monotonic clock: a run's elapsed time or a live
  /// frame's time, which a step of the wall clock must not make jump or run backwards.
  public var elapsedSeconds: Double { (ContinuousClock.now - self) / .seconds(1) }
}
