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
