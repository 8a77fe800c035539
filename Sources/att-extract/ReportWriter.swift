import AttCommandLine
import FaceKit
import Foundation
import Synchronization

/// Writes reports as JSON lines on standard output, one flushed line at a time for pipelines, and
/// a summary on standard error when a person is watching.
final class ReportWriter: Sendable {
  private struct Counts {
    var files = 0
    var faces = 0
    var failures = 0
  }
  private let started = ContinuousClock.now
  private let counts = Mutex(Counts())

  var failures: Int { counts.withLock { $0.failures } }

  func write(_ report: ImageReport) {
    counts.withLock {
      $0.files += 1
      $0.faces += report.faces?.count ?? 0
      if report.failed { $0.failures += 1 }
      FileHandle.standardOutput.write(Data((report.jsonLine + "\n").utf8))
    }
  }

  func finish() {
    guard isatty(STDERR_FILENO) != 0 else { return }
    let seconds = (ContinuousClock.now - started) / .seconds(1)
    let (files, faces, failures) = counts.withLock { ($0.files, $0.faces, $0.failures) }
    let rate = seconds > 0 ? Double(files) / seconds : 0
    Console.error(
      String(
        format: "att-extract: %d files, %d faces, %d failed in %.1f s (%.1f images/s)",
        files, faces, failures, seconds, rate))
  }
}
