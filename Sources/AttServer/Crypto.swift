import Crypto
import CryptoExtras
import Foundation

/// The few cryptographic primitives att-serve needs, from swift-crypto (BoringSSL inside).
enum Secrets {
  /// `count` bytes from the operating system's random source (getrandom on Linux).
  static func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
  }

  /// HMAC-SHA256 of `message` under `key`.
  static func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
    Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
  }

  /// PBKDF2-HMAC-SHA256: deliberately slow, so a stolen database does not give passwords away
  /// cheaply. The iteration count comes from the stored hash (600,000 for new ones; the tests use
  /// fewer), so the library's own floor is not applied here. Nil only if BoringSSL fails.
  static func pbkdf2(password: String, salt: [UInt8], iterations: Int) -> [UInt8]? {
    guard iterations > 0,
      let key = try? KDF.Insecure.PBKDF2.deriveKey(
        from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: iterations)
    else { return nil }
    return key.withUnsafeBytes { Array($0) }
  }

  /// Compares in time independent of where the inputs differ (only the lengths are not secret).
  static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
  }
}

/// Base64url without padding (cookies, tokens).
extension Array where Element == UInt8 {
  var base64URL: String {
    Data(self).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  init?(base64URL text: String) {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    guard let data = Data(base64Encoded: base64) else { return nil }
    self = Array(data)
  }
}

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
