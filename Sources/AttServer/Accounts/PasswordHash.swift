import Crypto
import CryptoExtras
import Foundation

/// A stored password: `pbkdf2-sha256$ITERATIONS$SALT$DIGEST`, salt and digest in base64url.
struct PasswordHash {
  /// OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
  static let iterations = 600_000

  static func make(_ password: String, iterations: Int = iterations) -> String {
    let salt = Secrets.randomBytes(16)
    // BoringSSL's PBKDF2 fails only on allocation failure; there is no password hash without it.
    guard let digest = Secrets.pbkdf2(password: password, salt: salt, iterations: iterations) else {
      preconditionFailure("PBKDF2 failed in BoringSSL")
    }
    return "pbkdf2-sha256$\(iterations)$\(salt.base64URL)$\(digest.base64URL)"
  }

  static func verify(_ password: String, against stored: String) -> Bool {
    let parts = stored.split(separator: "$").map(String.init)
    guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), iterations > 0,
      let salt = [UInt8](base64URL: parts[2]), let digest = [UInt8](base64URL: parts[3])
    else { return false }
    guard iterations <= 10_000_000, let computed = Secrets.pbkdf2(password: password, salt: salt, iterations: iterations) else {
      return false
    }
    return Secrets.equal(computed, digest)
  }
}
