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

  /// Starts the tool without waiting (for tests of concurrent runs); `wait()` collects it.
  public final class Running: @unchecked Sendable {
    let process: Process
    let out: Pipe
    let err: Pipe

    init(process: Process, out: Pipe, err: Pipe) {
      self.process = process
      self.out = out
      self.err = err
    }

    /// The process id (for kill -9 in crash tests).
    public var pid: Int32 { process.processIdentifier }

    /// Sends SIGTERM, as a service manager stopping the tool would.
    public func terminate() {
      process.terminate()
    }

    public func wait() -> ToolRun {
      let stdout = out.fileHandleForReading.readDataToEndOfFile()
      let stderr = err.fileHandleForReading.readDataToEndOfFile()
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
    process.executableURL = URL(fileURLWithPath: executable(tool))
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
