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
