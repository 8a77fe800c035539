import Foundation

/// Where the SQLite database lives, from `--db`, `DB_URL` or the default `sqlite:data/attendance.db`.
///
/// Accepted spellings: `sqlite:data/x.db` (relative to the working directory), `sqlite:/abs/x.db`,
/// the seed scripts' `sqlite:///./data/x.db` (SQLAlchemy style) and a plain path.
public struct DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
  public static let defaultURL = "sqlite:data/attendance.db"

  /// The file path, as given (relative paths are relative to the working directory).
  public let path: String

  public init(path: String) {
    self.path = path
  }

  /// Parses a `DB_URL` value; refuses other database kinds by name.
  public init(url: String) throws(ConfigurationError) {
    let value = url.trimmingCharacters(in: .whitespaces)
    guard !value.isEmpty else { throw .invalidDatabaseURL(url, reason: "it is empty") }
    if value.hasPrefix("sqlite:") {
      var rest = String(value.dropFirst("sqlite:".count))
      if rest.hasPrefix("///") {
        rest = String(rest.dropFirst(3))  // sqlite:///./x.db and sqlite:////abs/x.db, SQLAlchemy's forms
      } else if rest.hasPrefix("//") {
        throw .invalidDatabaseURL(url, reason: "use sqlite:PATH or sqlite:///PATH")
      }
      guard !rest.isEmpty else { throw .invalidDatabaseURL(url, reason: "it names no file") }
      self.init(path: rest)
    } else if let scheme = value.range(of: "://"), !value[..<scheme.lowerBound].contains("/") {
      throw .invalidDatabaseURL(url, reason: "only SQLite is supported (sqlite:PATH), not \(value[..<scheme.lowerBound])")
    } else {
      self.init(path: value)
    }
  }

  /// Resolves the location the way every tool does: the `--db` option, else `DB_URL` from the
  /// environment, else from `.env` in the working directory, else the default.
  public static func resolve(option: String?, environment: Settings) throws(ConfigurationError) -> DatabaseLocation {
    try DatabaseLocation(url: option ?? environment["DB_URL"] ?? defaultURL)
  }

  public var description: String { path }
}
