import Foundation
import GRDB

/// A database that cannot be used, naming the file.
public enum StoreError: Error, Equatable, CustomStringConvertible {
  /// The file cannot be opened, created or migrated.
  case cannotOpen(String, reason: String)

  public var description: String {
    switch self {
    case .cannotOpen(let path, let reason): "\(path): cannot open the database: \(reason)"
    }
  }
}
