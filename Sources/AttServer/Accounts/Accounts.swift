import AttendanceKit
import Foundation

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
    case invalid(String)

    public var description: String {
      switch self {
      case .invalidName(let name):
        "'\(name)' cannot be an account or token name: use 1-64 letters, digits, '.', '_', '-' or '@'"
      case .weakPassword(let reason): "password refused: \(reason)"
      case .exists(let name): "'\(name)' already exists"
      case .unknown(let name): "no account or token named '\(name)'"
      case .invalid(let reason): reason
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

  /// `classes`: a teacher's (at least one); no other role has any.
  public func addUser(_ name: String, password: String, role: Role, classes: [String] = [], replace: Bool = false) throws {
    try Self.validate(name: name)
    guard role != .camera else { throw AccountError.cameraAccount }
    if role == .teacher && classes.isEmpty {
      throw AccountError.invalid("a teacher sees their classes only: name them with --class (e.g. --class 7A --class 7B)")
    }
    if role != .teacher && !classes.isEmpty {
      throw AccountError.invalid("--class is for the teacher role (a \(role.rawValue) sees every class)")
    }
    for classID in classes {
      if let problem = PersonIdentity.validate(id: classID) { throw AccountError.invalid("--class '\(classID)': \(problem)") }
    }
    guard password.count >= 10 else { throw AccountError.weakPassword("use at least 10 characters") }
    let hash = PasswordHash.make(password, iterations: iterations)
    let account = UserAccount(name: name, passwordHash: hash, role: role.rawValue, createdAt: Date())
    guard try store.saveUser(account, replace: replace, classes: classes) else { throw AccountError.exists(name) }
  }

  /// The account's identity when the password is right; nil otherwise (unknown names cost the same time).
  public func verify(_ name: String, password: String) throws -> Identity? {
    guard let account = try store.user(named: name), let role = Role(rawValue: account.role) else {
      _ = PasswordHash.verify(password, against: Self.dummyHash)
      return nil
    }
    guard PasswordHash.verify(password, against: account.passwordHash) else { return nil }
    return Identity(name: name, role: role, viaCookie: true, classes: role == .teacher ? try store.userClasses(named: name) : nil)
  }

  private static let dummyHash = PasswordHash.make("not a password")

  /// Keeps a new session (its id's SHA-256), and forgets expired ones.
  public func start(_ session: SessionSigner.Session, now: Date = Date()) throws {
    try store.startSession(
      SignInSession(idSHA256: Data(session.id.utf8).sha256Hex, userName: session.name, createdAt: now, expiresAt: session.expires)
    )
  }

  /// The current role of the session's account, or nil when the session was ended (signed out, the
  /// password changed, the account removed) or has expired.
  public func role(of session: SessionSigner.Session, now: Date = Date()) throws -> Role? {
    try store.sessionRole(idSHA256: Data(session.id.utf8).sha256Hex, userName: session.name, at: now).flatMap(Role.init)
  }

  /// The identity of a session: its account's current role, and a teacher's current classes; nil
  /// as `role(of:)`.
  public func identity(of session: SessionSigner.Session, now: Date = Date()) throws -> Identity? {
    guard let role = try role(of: session, now: now) else { return nil }
    return Identity(
      name: session.name, role: role, viaCookie: true, classes: role == .teacher ? try store.userClasses(named: session.name) : nil)
  }

  /// Ends one session (sign-out).
  public func end(_ session: SessionSigner.Session) throws {
    try store.endSession(idSHA256: Data(session.id.utf8).sha256Hex)
  }

  public func list() throws -> [AccountListing] {
    try store.accountListing()
  }

  public func removeUser(_ name: String) throws {
    guard try store.removeUser(named: name) else { throw AccountError.unknown(name) }
  }

  // MARK: API tokens

  /// Makes a token and returns it: it is shown this once, and only its SHA-256 is kept.
  /// A camera token with `devices` may report the status of those camera ids only.
  public func addToken(_ name: String, role: Role, devices: [String] = []) throws -> String {
    try Self.validate(name: name)
    if !devices.isEmpty && role != .camera { throw AccountError.invalid("--device is for camera tokens (--role camera)") }
    if role == .teacher {
      throw AccountError.invalid("a teacher is a person with classes: att-serve user add NAME --role teacher --class 7A")
    }
    for device in devices {
      if let problem = DeviceID.problem(device) { throw AccountError.invalid("--device '\(device)': \(problem)") }
    }
    let token = "att_" + Secrets.randomBytes(24).base64URL
    let stored = APIToken(name: name, tokenSHA256: Data(token.utf8).sha256Hex, role: role.rawValue, createdAt: Date())
    do {
      guard try store.addToken(stored, devices: devices) else { throw AccountError.exists(name) }
    } catch let taken as AttendanceStore.DeviceTaken {
      throw AccountError.invalid(taken.description)
    }
    return token
  }

  public func verify(token: String) throws -> Identity? {
    guard token.hasPrefix("att_"), token.count < 100 else { return nil }
    let digest = Data(token.utf8).sha256Hex
    guard let stored = try store.token(sha256: digest), let role = Role(rawValue: stored.role) else { return nil }
    // Last use to the minute: a script polling the API does not take the write lock on every request.
    if stored.lastUsedAt.map({ Date().timeIntervalSince($0) > 60 }) ?? true {
      try store.touchToken(sha256: digest, at: Date())
    }
    return Identity(name: stored.name, role: role, viaCookie: false)
  }

  public func revokeToken(_ name: String) throws {
    guard try store.revokeToken(named: name) else { throw AccountError.unknown(name) }
  }

  public func hasUsers() throws -> Bool {
    try store.hasUsers()
  }
}
