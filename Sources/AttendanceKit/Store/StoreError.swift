import Foundation
import GRDB

/// A database that cannot be used, naming the file.
public enum StoreError: Error, Equatable, CustomStringConvertible {
  /// The file cannot be opened, created or migrated.
  case cannotOpen(String, reason: String)
  /// An SQLite file that is not an att database (another application's): never written to.
  case notAttDatabase(String)
  /// The file is damaged (corrupt pages, or not a database at all).
  case corrupt(String, reason: String)

  public var description: String {
    switch self {
    case .cannotOpen(let path, let reason): "\(path): cannot open the database: \(reason)"
    case .notAttDatabase(let path):
      "\(path): not an att database (it is another application's SQLite file; att leaves it as it is)"
    case .corrupt(let path, let reason):
      "\(path): the database is damaged (\(reason)); restore it from a backup"
    }
  }
}
