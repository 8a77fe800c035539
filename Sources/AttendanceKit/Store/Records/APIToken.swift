import Foundation
import GRDB

/// A row of `api_tokens`: a script's or a camera's bearer token, kept as its SHA-256 only.
public struct APIToken: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
  public static let databaseTableName = "api_tokens"

  public var name: String
  public var tokenSHA256: String
  /// viewer, admin or camera.
  public var role: String
  public var createdAt: Date
  public var lastUsedAt: Date?

  public init(name: String, tokenSHA256: String, role: String, createdAt: Date, lastUsedAt: Date? = nil) {
    self.name = name
    self.tokenSHA256 = tokenSHA256
    self.role = role
    self.createdAt = createdAt
    self.lastUsedAt = lastUsedAt
  }

  enum CodingKeys: String, CodingKey {
    case name, role
    case tokenSHA256 = "token_sha256"
    case createdAt = "created_at"
    case lastUsedAt = "last_used_at"
  }
}
