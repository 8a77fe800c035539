import Foundation

/// Where tools talk to people (standard error) and to pipelines (standard output).
public enum Console {
  /// One line on standard error.
  public static func error(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }

  /// One line on standard output, flushed at once for pipelines.
  public static func output(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
  }

  /// Whether a person is watching standard error (not cron, not a pipe into a log).
  public static var isInteractive: Bool { isatty(STDERR_FILENO) != 0 }

  /// Rewrites the current line of a terminal (progress); does nothing when no terminal is attached.
  public static func status(_ line: String) {
    guard isInteractive else { return }
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
  }

  /// Ends a status line.
  public static func endStatus() {
    guard isInteractive else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}
