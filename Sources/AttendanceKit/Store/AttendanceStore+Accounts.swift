import Foundation
import GRDB

/// An account or a token as `att-serve user list` shows it.
public struct AccountListing: Sendable, Codable, Equatable, FetchableRecord {
  public let name: String
  public let role: String
  /// "user" or "token".
  public let kind: String
  public let createdAt: Date
  public let lastUsedAt: Date?
  /// A teacher's classes, comma-separated.
  public let classes: String?

  enum CodingKeys: String, CodingKey {
    case name, role, kind, classes
    case createdAt = "created_at"
    case lastUsedAt = "last_used_at"
  }
}

/// Dashboard accounts, their sessions and API tokens (schema v5). The rules (names, password
/// strength, hashing) are att-serve's `Accounts`; this is only what is stored.
extension AttendanceStore {
  /// Stores an account and its classes (a teacher's); with `replace`, a new password, role or
  /// classes for an existing one, which ends every session signed in with the old. False when the
  /// name exists and `replace` is not set.
  public func saveUser(_ account: UserAccount, replace: Bool, classes: [String] = []) throws -> Bool {
    try writer.write { db in
      if let existing = try UserAccount.fetchOne(db, key: account.name) {
        guard replace else { return false }
        var changed = account
        changed.createdAt = existing.createdAt
        try changed.update(db)
      } else {
        try account.insert(db)
      }
      try db.execute(sql: "DELETE FROM user_classes WHERE user_name = ?", arguments: [account.name])
      for classID in Set(classes) {
        try db.execute(sql: "INSERT INTO user_classes (user_name, class_id) VALUES (?, ?)", arguments: [account.name, classID])
      }
      try SignInSession.filter(Column("user_name") == account.name).deleteAll(db)
      return true
    }
  }

  public func user(named name: String) throws -> UserAccount? {
    try reader { db in try UserAccount.fetchOne(db, key: name) }
  }

  /// The classes of an account (a teacher's); empty for any other.
  public func userClasses(named name: String) throws -> Set<String> {
    try reader { db in
      Set(try String.fetchAll(db, sql: "SELECT class_id FROM user_classes WHERE user_name = ?", arguments: [name]))
    }
  }

  /// Removes the account and its sessions; false when there is none.
  public func removeUser(named name: String) throws -> Bool {
    try writer.write { db in
      try SignInSession.filter(Column("user_name") == name).deleteAll(db)
      return try UserAccount.deleteOne(db, key: name)
    }
  }

  public func hasUsers() throws -> Bool {
    try reader { db in try UserAccount.fetchCount(db) > 0 }
  }

  /// Every account, then every token, by name.
  public func accountListing() throws -> [AccountListing] {
    try reader { db in
      try AccountListing.fetchAll(
        db,
        sql: """
          SELECT name, role, 'user' AS kind, created_at, NULL AS last_used_at,
                 (SELECT group_concat(class_id, ', ') FROM (SELECT class_id FROM user_classes WHERE user_name = users.name
                  ORDER BY class_id)) AS classes FROM users
          UNION ALL SELECT name, role, 'token', created_at, last_used_at, NULL FROM api_tokens ORDER BY kind DESC, name
          """)
    }
  }

  // MARK: sessions

  /// Keeps a new session, and forgets expired ones.
  public func startSession(_ session: SignInSession) throws {
    try writer.write { db in
      try SignInSession.filter(Column("expires_at") <= session.createdAt).deleteAll(db)
      try session.insert(db)
    }
  }

  /// The current role of the session's account, or nil when the session was ended (signed out, the
  /// password changed, the account removed) or has expired.
  public func sessionRole(idSHA256: String, userName: String, at now: Date) throws -> String? {
    try reader { db in
      try String.fetchOne(
        db,
        sql: """
          SELECT u.role FROM sessions s JOIN users u ON u.name = s.user_name
          WHERE s.id_sha256 = ? AND s.user_name = ? AND s.expires_at > ?
          """, arguments: [idSHA256, userName, now])
    }
  }

  public func endSession(idSHA256: String) throws {
    _ = try writer.write { db in try SignInSession.deleteOne(db, key: idSHA256) }
  }

  // MARK: tokens

  /// Stores a token; false when one of that name exists.
  /// Adds the token, bound to `devices` (a camera's ids; none for any other token). False when a
  /// token of that name exists; `DeviceTaken` when another token is bound to one of the ids.
  public func addToken(_ token: APIToken, devices: [String] = []) throws -> Bool {
    try writer.write { db in
      guard try !APIToken.exists(db, key: token.name) else { return false }
      try token.insert(db)
      for device in Set(devices).sorted() {
        if let owner = try String.fetchOne(
          db, sql: "SELECT token_name FROM token_devices WHERE device_id = ?", arguments: [device])
        {
          throw DeviceTaken(deviceID: device, owner: owner)
        }
        try db.execute(
          sql: "INSERT INTO token_devices (token_name, device_id) VALUES (?, ?)", arguments: [token.name, device])
      }
      return true
    }
  }

  /// A device id already bound to another camera token.
  public struct DeviceTaken: Error, CustomStringConvertible {
    public let deviceID: String
    public let owner: String
    public var description: String {
      "camera '\(deviceID)' is already bound to the token '\(owner)'; revoke that token first, or use another id"
    }
  }

  /// The device ids each camera token is bound to.
  public func tokenDevices() throws -> [String: [String]] {
    try reader { db in
      var bound: [String: [String]] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT token_name, device_id FROM token_devices ORDER BY device_id") {
        bound[row["token_name"], default: []].append(row["device_id"])
      }
      return bound
    }
  }

  public func token(sha256: String) throws -> APIToken? {
    try reader { db in try APIToken.filter(Column("token_sha256") == sha256).fetchOne(db) }
  }

  /// Notes the token's use now.
  public func touchToken(sha256: String, at now: Date) throws {
    try writer.write { db in
      try db.execute(sql: "UPDATE api_tokens SET last_used_at = ? WHERE token_sha256 = ?", arguments: [now, sha256])
    }
  }

  /// Revokes the token; false when there is none.
  public func revokeToken(named name: String) throws -> Bool {
    try writer.write { db in try APIToken.deleteOne(db, key: name) }
  }
}
