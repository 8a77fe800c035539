import AttendanceKit
import Foundation
import GRDB

/// Who may use the dashboard and the API, and what they may do.
public enum Role: String, Sendable, Codable, CaseIterable {
  /// Reads everything: attendance, people, exports.
  case viewer
  /// Also renames and removes people and corrects attendance.
  case admin
  /// A camera host's token (never an account): reads the gallery and posts its status, nothing else.
  case camera

  /// The roles of people (accounts and scripts): everything but the camera's two routes.
  public static let people: Set<Role> = [.viewer, .admin]
}

/// A signed-in person or a script's token.
public struct Identity: Sendable, Equatable {
  public let name: String
  public let role: Role
  /// Whether it came from a session cookie (so state changes need the CSRF token) or a bearer token.
  public let viaCookie: Bool
}

/// Dashboard accounts and API tokens, in the shared database (schema v5).
public struct Accounts: Sendable {
  public let store: AttendanceStore
  /// PBKDF2 iterations for new passwords (tests lower it to sign in quickly).
  var iterations = PasswordHash.iterations

  public init(store: AttendanceStore) {
    self.store = store
  }

  public enum AccountError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case weakPassword(String)
    case exists(String)
    case unknown(String)
    case cameraAccount

    public var description: String {
      switch self {
      case .invalidName(let name):
        "'\(name)' cannot be an account or token name: use 1-64 letters, digits, '.', '_', '-' or '@'"
      case .weakPassword(let reason): "password refused: \(reason)"
      case .exists(let name): "'\(name)' already exists"
      case .unknown(let name): "no account or token named '\(name)'"
      case .cameraAccount: "the camera role is for tokens (att-serve token add NAME --role camera), not for accounts"
      }
    }
  }

  static func validate(name: String) throws(AccountError) {
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-@"))
    guard (1...64).contains(name.count), name.unicodeScalars.allSatisfy(allowed.contains) else {
      throw .invalidName(name)
    }
  }

  // MARK: users

  public func addUser(_ name: String, password: String, role: Role, replace: Bool = false) throws {
    try Self.validate(name: name)
    guard role != .camera else { throw AccountError.cameraAccount }
    guard password.count >= 10 else { throw AccountError.weakPassword("use at least 10 characters") }
    let hash = PasswordHash.make(password, iterations: iterations)
    try store.write { db in
      if !replace, try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [name]) == true {
        throw AccountError.exists(name)
      }
      try db.execute(
        sql: """
          INSERT INTO users (name, password_hash, role, created_at) VALUES (?, ?, ?, ?)
          ON CONFLICT(name) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role
          """, arguments: [name, hash, role.rawValue, Date()])
      // A new password (or role) ends every session signed in with the old one.
      try db.execute(sql: "DELETE FROM sessions WHERE user_name = ?", arguments: [name])
    }
  }

  /// The account's identity when the password is right; nil otherwise (unknown names cost the same time).
  public func verify(_ name: String, password: String) throws -> Identity? {
    let row = try store.reader { db in
      try Row.fetchOne(db, sql: "SELECT password_hash, role FROM users WHERE name = ?", arguments: [name])
    }
    guard let row, let hash = row["password_hash"] as String?, let role = Role(rawValue: row["role"]) else {
      _ = PasswordHash.verify(password, against: Self.dummyHash)
      return nil
    }
    return PasswordHash.verify(password, against: hash) ? Identity(name: name, role: role, viaCookie: true) : nil
  }

  private static let dummyHash = PasswordHash.make("not a password")

  /// Keeps a new session (its id's SHA-256), and forgets expired ones.
  public func start(_ session: SessionSigner.Session, now: Date = Date()) throws {
    try store.write { db in
      try db.execute(sql: "DELETE FROM sessions WHERE expires_at <= ?", arguments: [now])
      try db.execute(
        sql: "INSERT INTO sessions (id_sha256, user_name, created_at, expires_at) VALUES (?, ?, ?, ?)",
        arguments: [Data(session.id.utf8).sha256Hex, session.name, now, session.expires])
    }
  }

  /// The current role of the session's account, or nil when the session was ended (signed out, the
  /// password changed, the account removed) or has expired.
  public func role(of session: SessionSigner.Session, now: Date = Date()) throws -> Role? {
    try store.reader { db in
      try String.fetchOne(
        db,
        sql: """
          SELECT u.role FROM sessions s JOIN users u ON u.name = s.user_name
          WHERE s.id_sha256 = ? AND s.user_name = ? AND s.expires_at > ?
          """, arguments: [Data(session.id.utf8).sha256Hex, session.name, now]
      ).flatMap(Role.init)
    }
  }

  /// Ends one session (sign-out).
  public func end(_ session: SessionSigner.Session) throws {
    try store.write { db in
      try db.execute(sql: "DELETE FROM sessions WHERE id_sha256 = ?", arguments: [Data(session.id.utf8).sha256Hex])
    }
  }

  public struct Account: Sendable, Codable, Equatable {
    public let name: String
    public let role: String
    public let kind: String
    public let created_at: Date
    public let last_used_at: Date?
  }

  public func list() throws -> [Account] {
    try store.reader { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT name, role, 'user' AS kind, created_at, NULL AS last_used_at FROM users
          UNION ALL SELECT name, role, 'token', created_at, last_used_at FROM api_tokens ORDER BY kind DESC, name
          """
      ).map {
        Account(
          name: $0["name"], role: $0["role"], kind: $0["kind"], created_at: $0["created_at"], last_used_at: $0["last_used_at"])
      }
    }
  }

  public func removeUser(_ name: String) throws {
    let removed = try store.write { db in
      try db.execute(sql: "DELETE FROM sessions WHERE user_name = ?", arguments: [name])
      try db.execute(sql: "DELETE FROM users WHERE name = ?", arguments: [name])
      return db.changesCount
    }
    if removed == 0 { throw AccountError.unknown(name) }
  }

  // MARK: API tokens

  /// Makes a token and returns it: it is shown this once, and only its SHA-256 is kept.
  public func addToken(_ name: String, role: Role) throws -> String {
    try Self.validate(name: name)
    let token = "att_" + Secrets.randomBytes(24).base64URL
    try store.write { db in
      if try Bool.fetchOne(db, sql: "SELECT 1 FROM api_tokens WHERE name = ?", arguments: [name]) == true {
        throw AccountError.exists(name)
      }
      try db.execute(
        sql: "INSERT INTO api_tokens (name, token_sha256, role, created_at) VALUES (?, ?, ?, ?)",
        arguments: [name, Data(token.utf8).sha256Hex, role.rawValue, Date()])
    }
    return token
  }

  public func verify(token: String) throws -> Identity? {
    guard token.hasPrefix("att_"), token.count < 100 else { return nil }
    let digest = Data(token.utf8).sha256Hex
    let row = try store.reader { db in
      try Row.fetchOne(db, sql: "SELECT name, role, last_used_at FROM api_tokens WHERE token_sha256 = ?", arguments: [digest])
    }
    guard let row, let role = Role(rawValue: row["role"]) else { return nil }
    // Last use to the minute: a script polling the API does not take the write lock on every request.
    let lastUsed: Date? = row["last_used_at"]
    if lastUsed.map({ Date().timeIntervalSince($0) > 60 }) ?? true {
      try store.write { db in
        try db.execute(sql: "UPDATE api_tokens SET last_used_at = ? WHERE token_sha256 = ?", arguments: [Date(), digest])
      }
    }
    return Identity(name: row["name"], role: role, viaCookie: false)
  }

  public func revokeToken(_ name: String) throws {
    let removed = try store.write { db in
      try db.execute(sql: "DELETE FROM api_tokens WHERE name = ?", arguments: [name])
      return db.changesCount
    }
    if removed == 0 { throw AccountError.unknown(name) }
  }

  public func hasUsers() throws -> Bool {
    try store.reader { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM users") ?? 0 } > 0
  }
}
