import AttendanceKit
import Foundation

/// Where the real test material lives: the checkout's Models/ and TestData/ (fetched by the
/// project's scripts) and ../shared beside the checkout (or $ATT_SHARED).
public enum Checkout {
  public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
  public static let shared = ProcessInfo.processInfo.environment["ATT_SHARED"] ?? "\(root)/../shared"
  public static let models = ProcessInfo.processInfo.environment["ATT_MODELS"] ?? "\(root)/Models"
  public static let testImages = "\(root)/TestData/face_recognition"

  /// A new empty folder under the temporary directory.
  public static func scratchFolder(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("att-\(label)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}

/// Runs one of the built att tools as a user or a script would, and collects what it printed.
public struct ToolRun: Sendable {
  public let status: Int32
  public let stdout: String
  public let stderr: String

  public var lines: [String] { stdout.split(separator: "\n").map(String.init) }

  /// The tool's binary beside the test bundle (SwiftPM builds it first: the test target depends on it).
  public static func executable(_ tool: String) -> String {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for folder in [beside, beside.deletingLastPathComponent()] {
      let candidate = folder.appendingPathComponent(tool).path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return "\(Checkout.root)/.build/debug/\(tool)"
  }

  /// Starts the tool without waiting (for tests of concurrent runs); `wait()` collects it. What it
  /// prints is read as it comes, so a test can wait for a line (`waitFor`) instead of sleeping.
  public final class Running: @unchecked Sendable {
    let process: Process
    private let condition = NSCondition()
    private var out = Data()
    private var err = Data()
    private var open = 2

    init(process: Process, out: Pipe, err: Pipe) {
      self.process = process
      read(out, standardError: false)
      read(err, standardError: true)
    }

    private func read(_ pipe: Pipe, standardError: Bool) {
      let handle = pipe.fileHandleForReading
      Thread {
        while true {
          let chunk = handle.availableData
          self.condition.lock()
          if chunk.isEmpty {
            self.open -= 1
          } else if standardError {
            self.err.append(chunk)
          } else {
            self.out.append(chunk)
          }
          self.condition.broadcast()
          self.condition.unlock()
          if chunk.isEmpty { break }
        }
      }.start()
    }

    /// The process id (for kill -9 in crash tests).
    public var pid: Int32 { process.processIdentifier }

    /// Sends SIGTERM, as a service manager stopping the tool would.
    public func terminate() {
      process.terminate()
    }

    /// Waits until standard output holds `text` (true), or the program closed it or `seconds` passed.
    public func waitFor(stdout text: String, seconds: Double = 60) -> Bool {
      waitFor(text, inStandardError: false, seconds: seconds)
    }

    /// Waits until standard error holds `text` (true), or the tool closed it or `seconds` passed (false).
    public func waitFor(stderr text: String, seconds: Double = 60) -> Bool {
      waitFor(text, inStandardError: true, seconds: seconds)
    }

    /// Standard error so far (for a failure's message, or to read what came after a line).
    public var snapshot: String {
      condition.lock()
      defer { condition.unlock() }
      return String(decoding: err, as: UTF8.self)
    }

    /// Waits until, after the last `marker` on standard error, `text` appears at least `count` times.
    public func waitFor(stderr marker: String, thenCount text: String, atLeast count: Int, seconds: Double = 60) -> Bool {
      let deadline = Deadline(seconds: seconds)
      condition.lock()
      defer { condition.unlock() }
      func found() -> Bool {
        let after = String(decoding: err, as: UTF8.self).components(separatedBy: marker).dropFirst().last ?? ""
        return after.components(separatedBy: text).count - 1 >= count
      }
      while !found() {
        if open == 0 || !condition.wait(until: deadline.date) { return found() }
      }
      return true
    }

    private func waitFor(_ text: String, inStandardError: Bool, seconds: Double) -> Bool {
      let deadline = Deadline(seconds: seconds)
      condition.lock()
      defer { condition.unlock() }
      func found() -> Bool { String(decoding: inStandardError ? err : out, as: UTF8.self).contains(text) }
      while !found() {
        if open == 0 || !condition.wait(until: deadline.date) { return found() }
      }
      return true
    }

    public func wait() -> ToolRun {
      condition.lock()
      while open > 0 { condition.wait() }
      let (stdout, stderr) = (out, err)
      condition.unlock()
      process.waitUntilExit()
      return ToolRun(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
    }
  }

  public static func start(
    _ tool: String, _ arguments: [String], in folder: String = Checkout.root, stdin: String? = nil,
    environment: [String: String] = [:]
  ) throws -> Running {
    let process = Process()
    // A name is one of att's tools beside the tests; a path is any other program (Python, curl).
    process.executableURL = URL(fileURLWithPath: tool.contains("/") ? tool : executable(tool))
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    // The caller's DB_URL or MQ_URL must not leak into a test; models come from the checkout.
    var base = ProcessInfo.processInfo.environment
    for key in ["DB_URL", "MQ_URL", "MEDIA_DIR"] { base.removeValue(forKey: key) }
    base["ATT_MODELS"] = Checkout.models
    process.environment = base.merging(environment) { $1 }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    return Running(process: process, out: out, err: err)
  }

  public static func run(
    _ tool: String, _ arguments: [String], in folder: String = Checkout.root, stdin: String? = nil,
    environment: [String: String] = [:]
  ) throws -> ToolRun {
    try start(tool, arguments, in: folder, stdin: stdin, environment: environment).wait()
  }
}

/// Waits until `condition` holds, checking every 0.1 s, up to `seconds` (of the monotonic clock);
/// whether it held. For state another process changes (rows in a database, messages in a queue),
/// which sends no event.
public func eventually(_ seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
  let deadline = Deadline(seconds: seconds)
  while !deadline.hasPassed {
    if try condition() { return true }
    Thread.sleep(forTimeInterval: 0.1)
  }
  return try condition()
}
