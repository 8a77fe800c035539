import Foundation
import GRDB

/// A row of `sessions`: a signed-in dashboard session, kept as its id's SHA-256 only.
public struct SignInSession: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
  public static let databaseTableName = "sessions"

  public var idSHA256: String
  public var userName: String
  public var createdAt: Date
  public var expiresAt: Date

  public init(idSHA256: String, userName: String, createdAt: Date, expiresAt: Date) {
    self.idSHA256 = idSHA256
    self.userName = userName
    self.createdAt = createdAt
    self.expiresAt = expiresAt
  }

  enum CodingKeys: String, CodingKey {
    case idSHA256 = "id_sha256"
    case userName = "user_name"
    case createdAt = "created_at"
    case expiresAt = "expires_at"
  }
}
