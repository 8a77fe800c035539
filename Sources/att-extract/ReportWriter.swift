import AttCommandLine
import FaceKit
import Foundation

/// Writes reports as JSON lines on standard output, one flushed line at a time for pipelines, and
/// a summary on standard error when a person is watching.
final class ReportWriter: @unchecked Sendable {
  private let lock = NSLock()
  private let started = Date()
  private var files = 0
  private var faces = 0
  private(set) var failures = 0

  func write(_ report: ImageReport) {
    lock.withLock {
      files += 1
      faces += report.faces?.count ?? 0
      if report.failed { failures += 1 }
      FileHandle.standardOutput.write(Data((report.jsonLine + "\n").utf8))
    }
  }

  func finish() {
    guard isatty(STDERR_FILENO) != 0 else { return }
    let seconds = Date().timeIntervalSince(started)
    let rate = seconds > 0 ? Double(files) / seconds : 0
    Console.error(
      String(
        format: "att-extract: %d files, %d faces, %d failed in %.1f s (%.1f images/s)",
        files, faces, failures, seconds, rate))
  }
}
