import ArgumentParser
import Foundation
import Logging
import Synchronization

/// How a tool's log lines are written on standard error: as text for people ("att-take: message"),
/// or as one JSON object per line for journald and log shippers (`--log-format json`, or
/// `ATT_LOG_FORMAT=json` for every tool).
public enum LogFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
  case text, json
}

/// The one way the tools log: swift-log, bootstrapped once per process with `ToolLogHandler`. The
/// libraries log through `Logger`s of their own component ("att.queue", "att.take"); the tools'
/// lines for people (`Console.error`) go through the same sink, so `--log-format json` covers all.
public enum ToolLog {
  private static let setup = Mutex<(tool: String, format: LogFormat)?>(nil)

  /// Sets the tool's name and format once; later calls do nothing (swift-log is bootstrapped once).
  public static func bootstrap(tool: String, format: LogFormat) {
    let first = setup.withLock { current -> Bool in
      guard current == nil else { return false }
      current = (tool, format)
      return true
    }
    guard first else { return }
    LoggingSystem.bootstrap { ToolLogHandler(tool: tool, component: $0, format: format) }
  }

  /// The format of `--log-format` (when given), else `ATT_LOG_FORMAT`, else text.
  public static func format(option: LogFormat?, setting: String?) throws -> LogFormat {
    if let option { return option }
    guard let setting, !setting.isEmpty else { return .text }
    guard let format = LogFormat(rawValue: setting) else {
      throw ToolError("ATT_LOG_FORMAT '\(setting)': use text or json", exitCode: .configuration)
    }
    return format
  }

  /// A line for people from a tool ("att-take: 12 frames ..."): as it is in text, as a record of
  /// `level` in JSON.
  static func say(_ line: String, level: Logger.Level) {
    guard let (tool, format) = setup.withLock({ $0 }), format == .json else {
      FileHandle.standardError.write(Data((line + "\n").utf8))
      return
    }
    let message = line.hasPrefix("\(tool): ") ? String(line.dropFirst(tool.count + 2)) : line
    ToolLogHandler.write(json: ToolLogHandler.record(tool: tool, component: tool, level: level, message: message, metadata: [:]))
  }
}

/// One record per line on standard error: "tool: message key=value" in text, or
/// {"time":...,"level":...,"tool":...,"component":...,"message":...,...} in JSON.
public struct ToolLogHandler: LogHandler {
  let tool: String
  let component: String
  let format: LogFormat
  public var metadata: Logger.Metadata = [:]
  public var logLevel: Logger.Level = .info
  public var metadataProvider: Logger.MetadataProvider?

  public init(tool: String, component: String, format: LogFormat) {
    self.tool = tool
    self.component = component
    self.format = format
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    var all = metadata
    if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
    if let extra = event.metadata { all.merge(extra) { $1 } }
    switch format {
    case .text:
      let pairs = all.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
      FileHandle.standardError.write(Data("\(tool): \(event.message)\(pairs)\n".utf8))
    case .json:
      Self.write(json: Self.record(tool: tool, component: component, level: event.level, message: "\(event.message)", metadata: all))
    }
  }

  static func record(tool: String, component: String, level: Logger.Level, message: String, metadata: Logger.Metadata)
    -> [String: String]
  {
    var record = metadata.mapValues { "\($0)" }
    record["time"] = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    record["level"] = level.rawValue
    record["tool"] = tool
    record["component"] = component
    record["message"] = message
    return record
  }

  static func write(json record: [String: String]) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(record) else { return }
    FileHandle.standardError.write(data + Data("\n".utf8))
  }
}
