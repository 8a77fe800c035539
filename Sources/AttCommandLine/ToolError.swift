import ArgumentParser
import AttendanceKit
import FaceKit
import Foundation

/// A failure a tool reports as one line on standard error and an exit status.
public struct ToolError: Error, CustomStringConvertible {
  /// Exit statuses shared by the att tools (see each man page).
  public enum ExitStatus: Int32, Sendable {
    /// Some of the work failed (files skipped, a person not found); the rest was done.
    case failure = 1
    /// The dlib models are missing or do not load.
    case models = 2
    /// A usage error (ArgumentParser's own).
    case usage = 64
    /// An input named on the command line (a --source, a file) does not exist or cannot be read.
    case noInput = 66
    /// The database cannot be opened, created or written.
    case unavailable = 69
    /// Another run holds the lock; try again later.
    case busy = 75
    /// A setting (DB_URL, MQ_URL, .env) cannot be used.
    case configuration = 78
  }

  public let description: String
  public let exitCode: ExitStatus

  public init(_ description: String, exitCode: ExitStatus = .failure) {
    self.description = description
    self.exitCode = exitCode
  }
}

/// Runs a tool's work, turning every error into one line `tool: message` and an exit status, so that
/// no one sees a stack dump or Swift's own error spelling.
/// Every tool's work runs here: new files are private to the user (umask 077), and an error is one line.
/// The tool's log is set up here too (`ToolLog`: `logFormat`, else `ATT_LOG_FORMAT`, else text).
public func reportingErrors(_ tool: String, logFormat: LogFormat? = nil, _ body: () throws -> Void) throws {
  FilePrivacy.restrictUmask()
  do {
    try startLog(tool, logFormat)
    try body()
  } catch { throw exitCode(reporting: error, tool: tool) }
}

/// `reportingErrors` for async work (att-serve).
public func reportingErrors(_ tool: String, logFormat: LogFormat? = nil, _ body: () async throws -> Void) async throws {
  FilePrivacy.restrictUmask()
  do {
    try startLog(tool, logFormat)
    try await body()
  } catch { throw exitCode(reporting: error, tool: tool) }
}

private func startLog(_ tool: String, _ option: LogFormat?) throws {
  // A .env that cannot be read is reported by the tool's own settings, as before.
  let setting = (try? StoreOptions.settings())?["ATT_LOG_FORMAT"]
  ToolLog.bootstrap(tool: tool, format: try ToolLog.format(option: option, setting: setting))
}

/// Prints the error as one line (an ExitCode has nothing to print) and gives the status to exit with.
private func exitCode(reporting error: any Error, tool: String) -> ExitCode {
  switch error {
  case let code as ExitCode: return code
  case let error as ToolError:
    Console.failure("\(tool): \(error.description)")
    return ExitCode(error.exitCode.rawValue)
  case let error as FaceKitError:
    Console.failure("\(tool): \(error)")
    switch error {
    case .fileNotFound, .fileUnreadable, .sourceUnavailable: return ExitCode(ToolError.ExitStatus.noInput.rawValue)
    case .modelMissing, .modelInvalid: return ExitCode(ToolError.ExitStatus.models.rawValue)
    default: return ExitCode(ToolError.ExitStatus.failure.rawValue)
    }
  case let error as CocoaError:
    // Foundation's file errors: the file and the reason, not the NSError dump.
    Console.failure("\(tool): \(error.filePath.map { "\($0): " } ?? "")\(error.localizedDescription)")
    return ExitCode(ToolError.ExitStatus.failure.rawValue)
  default:
    Console.failure("\(tool): \(error)")
    return ExitCode(ToolError.ExitStatus.failure.rawValue)
  }
}
