import Configuration
import Foundation

/// Settings from the process environment, with a `.env` file (KEY=VALUE lines) in the working
/// directory as the fallback: the environment wins, as with the seed scripts' python-dotenv.
///
/// Read through swift-configuration: a `ConfigReader` over two environment providers, the process's
/// first, so the precedence and the redaction of secrets (passwords, tokens, the session key) in
/// its access logs are the library's. The `.env` file is parsed here, strictly: a line that is not
/// KEY=VALUE is an error that names the file and the line (the library's own parser skips such a
/// line in silence, and keeps quotes and `export` in the value).
public struct Settings: Sendable {
  private let reader: ConfigReader

  /// The settings whose values are never shown (`CONFIG_ACCESS_LOG_FILE` logs them redacted).
  public static let secrets: Set<String> = ["SECRET_KEY", "ATT_TOKEN", "MQ_URL"]

  public init(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    dotEnvPath: String? = ".env"
  ) throws(ConfigurationError) {
    var file: [String: String] = [:]
    if let dotEnvPath, FileManager.default.fileExists(atPath: dotEnvPath) {
      file = try Settings.parseDotEnv(at: dotEnvPath)
    }
    let secrets = SecretsSpecifier<String, String>.specific(Settings.secrets)
    reader = ConfigReader(providers: [
      EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: secrets),
      EnvironmentVariablesProvider(environmentVariables: file, secretsSpecifier: secrets),
    ])
  }

  /// The setting `key` (e.g. `MQ_URL`), or nil when it is not set or empty.
  public subscript(key: String) -> String? {
    guard let value = reader.string(forKey: ConfigKey([key]), isSecret: Settings.secrets.contains(key)), !value.isEmpty
    else { return nil }
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
