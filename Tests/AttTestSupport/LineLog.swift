import Logging

/// A log handler that hands each message to a closure, so a test can wait on what a component logs
/// ("... will retry") instead of on time.
public struct LineLog: LogHandler {
  let line: @Sendable (String) -> Void
  public var metadata: Logger.Metadata = [:]
  public var logLevel: Logger.Level = .trace

  public init(_ line: @escaping @Sendable (String) -> Void) { self.line = line }

  /// A logger whose every message goes to `line`.
  public static func logger(_ line: @escaping @Sendable (String) -> Void) -> Logger {
    Logger(label: "test") { _ in LineLog(line) }
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) { line("\(event.message)") }
}
