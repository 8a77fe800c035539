import Foundation
import Synchronization

/// A progress line with rate and ETA on a terminal; silent when no one is watching.
public final class ProgressMeter: Sendable {
  private let label: String
  private let started = ContinuousClock.now
  private let lastDrawn = Mutex<ContinuousClock.Instant?>(nil)

  public init(label: String) {
    self.label = label
  }

  /// Redraws at most ten times a second.
  public func update(done: Int, total: Int) {
    guard Console.isInteractive else { return }
    lastDrawn.withLock { lastDrawn in
      let now = ContinuousClock.now
      guard done == total || lastDrawn.map({ now - $0 >= .milliseconds(100) }) ?? true else { return }
      lastDrawn = now
      let elapsed = (now - started) / .seconds(1)
      let rate = elapsed > 0 ? Double(done) / elapsed : 0
      let remaining = rate > 0 ? Double(total - done) / rate : 0
      let width = 30
      let filled = total > 0 ? width * done / total : width
      let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
      Console.status(String(format: "%@ [%@] %d/%d  %.1f/s  ETA %.0f s", label, bar, done, total, rate, remaining))
    }
  }

  public func finish() {
    Console.endStatus()
  }
}
