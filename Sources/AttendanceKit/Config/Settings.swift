import Foundation

/// Settings from the process environment, with a `.env` file (KEY=VALUE lines) in the working
/// directory as the fallback: the environment wins, as with the seed scripts' python-dotenv.
public struct Settings: Sendable {
  private let values: [String: String]

  public init(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    dotEnvPath: String? = ".env"
  ) throws(ConfigurationError) {
    var merged: [String: String] = [:]
    if let dotEnvPath, FileManager.default.fileExists(atPath: dotEnvPath) {
      merged = try Settings.parseDotEnv(at: dotEnvPath)
    }
    merged.merge(environment) { _, fromEnvironment in fromEnvironment }
    values = merged
  }

  public subscript(key: String) -> String? {
    guard let value = values[key], !value.isEmpty else { return nil }
    return value
  }

  /// Reads `KEY=VALUE` lines; `#` comments, blank lines, `export ` prefixes and quotes are allowed.
  static func parseDotEnv(at path: String) throws(ConfigurationError) -> [String: String] {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw .unreadableFile(path, reason: error.localizedDescription)
    }
    var result: [String: String] = [:]
    for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
      guard let equals = line.firstIndex(of: "=") else {
        throw .invalidLine(path, line: number + 1, reason: "expected KEY=VALUE")
      }
      let key = line[..<equals].trimmingCharacters(in: .whitespaces)
      var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
      if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
        value = String(value.dropFirst().dropLast())
      }
      result[key] = value
    }
    return result
  }
}

/// A setting that cannot be used, with where it came from.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
  /// `DB_URL` or `--db` is not a SQLite location this project understands.
  case invalidDatabaseURL(String, reason: String)
  /// A configuration file exists but cannot be read.
  case unreadableFile(String, reason: String)
  /// A line of `.env` is not `KEY=VALUE`.
  case invalidLine(String, line: Int, reason: String)

  public var description: String {
    switch self {
    case .invalidDatabaseURL(let url, let reason): "DB_URL '\(url)' cannot be used: \(reason)"
    case .unreadableFile(let path, let reason): "\(path): cannot read: \(reason)"
    case .invalidLine(let path, let line, let reason): "\(path):\(line): \(reason)"
    }
  }
}
