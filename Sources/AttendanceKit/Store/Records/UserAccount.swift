import Foundation
import GRDB

/// A row of `users`: a dashboard account, with its password's hash (PBKDF2, see att-serve's `Secrets`).
public struct UserAccount: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
  public static let databaseTableName = "users"

  public var name: String
  public var passwordHash: String
  /// viewer, teacher or admin (a teacher's classes are in `user_classes`).
  public var role: String
  public var createdAt: Date

  public init(name: String, passwordHash: String, role: String, createdAt: Date) {
    self.name = name
    self.passwordHash = passwordHash
    self.role = role
    self.createdAt = createdAt
  }

  enum CodingKeys: String, CodingKey {
    case name, role
    case passwordHash = "password_hash"
    case createdAt = "created_at"
  }
}
