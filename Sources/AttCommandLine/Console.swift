import Foundation
import Logging

/// Where tools talk to people (standard error) and to pipelines (standard output).
public enum Console {
  /// One line for people on standard error ("att-take: ..."), through the tool's log
  /// (`ToolLog`): as it is in text, a JSON record with `--log-format json`.
  public static func error(_ line: String) {
    ToolLog.say(line, level: .notice)
  }

  /// A warning for people ("att-take: warning: nobody is enrolled"): level warning in JSON.
  public static func warning(_ line: String) {
    ToolLog.say(line, level: .warning)
  }

  /// The line of a failure that ends the tool: level error in JSON.
  public static func failure(_ line: String) {
    ToolLog.say(line, level: .error)
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

/// Who runs a tool, as the audit log names them: "att-register (ana@gate-pc)".
public func toolActor(_ tool: String) -> String {
  let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "unknown"
  let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
  return "\(tool) (\(user)@\(host))"
}
