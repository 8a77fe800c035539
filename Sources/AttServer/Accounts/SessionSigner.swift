import Foundation
import Synchronization

/// Sessions as signed cookies: `NAME|ROLE|EXPIRY|ID` in base64url, a dot, and its HMAC-SHA256
/// under `SECRET_KEY`. The signature turns forged cookies away without a database read; the random
/// ID names a row of the `sessions` table (by its SHA-256), which sign-out, a password change and the
/// account's removal delete, so the cookie stops working at once on every att-serve sharing the
/// database. The role is read from the account on each request.
public struct SessionSigner: Sendable {
  private let key: [UInt8]
  /// How long a session lasts.
  public var lifetime: TimeInterval = 12 * 3600

  public static let cookieName = "att_session"
  public static let csrfCookieName = "att_csrf"

  /// The shortest `SECRET_KEY` accepted outside `--dev`.
  public static let minimumKeyLength = 32

  public init(secretKey: String) {
    key = Array(secretKey.utf8)
  }

  public struct Session: Sendable, Equatable {
    public let name: String
    public let role: Role
    public let expires: Date
    /// The random id the server keeps (as its SHA-256) while the session is valid.
    public let id: String
  }

  /// A new session's cookie value, and the session it stands for.
  public func newSession(name: String, role: Role, now: Date = Date()) -> (cookie: String, session: Session) {
    let expiry = Int(now.addingTimeInterval(lifetime).timeIntervalSince1970)
    let id = Secrets.randomBytes(18).base64URL
    let payload = "\(name)|\(role.rawValue)|\(expiry)|\(id)"
    let encoded = Array(payload.utf8).base64URL
    let cookie = encoded + "." + Secrets.hmacSHA256(key: key, Array(encoded.utf8)).base64URL
    return (cookie, Session(name: name, role: role, expires: Date(timeIntervalSince1970: Double(expiry)), id: id))
  }

  /// The session in a cookie value, if its signature is right and it has not expired.
  public func session(from value: String, now: Date = Date()) -> Session? {
    let parts = value.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, value.count < 1024, let signature = [UInt8](base64URL: String(parts[1])),
      Secrets.equal(signature, Secrets.hmacSHA256(key: key, Array(parts[0].utf8))),
      let payload = [UInt8](base64URL: String(parts[0])).map({ String(decoding: $0, as: UTF8.self) })
    else { return nil }
    let fields = payload.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    guard fields.count == 4, let role = Role(rawValue: fields[1]), let expiry = Double(fields[2]), !fields[3].isEmpty else {
      return nil
    }
    let expires = Date(timeIntervalSince1970: expiry)
    guard expires > now else { return nil }
    return Session(name: fields[0], role: role, expires: expires, id: fields[3])
  }

  /// The CSRF token that goes with a session: state-changing requests made with the cookie must send
  /// it in `X-CSRF-Token` (or the form field `csrf`). A page of another site cannot read it.
  public func csrfToken(for cookieValue: String) -> String {
    Secrets.hmacSHA256(key: key, Array("csrf|\(cookieValue)".utf8)).base64URL
  }

  public func csrfMatches(_ token: String?, cookieValue: String) -> Bool {
    guard let token, let given = [UInt8](base64URL: token), let expected = [UInt8](base64URL: csrfToken(for: cookieValue))
    else { return false }
    return Secrets.equal(given, expected)
  }
}
