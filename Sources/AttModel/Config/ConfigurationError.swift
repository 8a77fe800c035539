import Foundation

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
