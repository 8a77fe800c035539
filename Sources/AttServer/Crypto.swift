import COpenSSL
import Foundation

/// The few cryptographic primitives att-serve needs, from OpenSSL's libcrypto.
enum Crypto {
  /// `count` bytes from the operating system's random source.
  static func randomBytes(_ count: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    guard RAND_bytes(&bytes, Int32(count)) == 1 else { fatalError("OpenSSL RAND_bytes failed") }
    return bytes
  }

  /// HMAC-SHA256 of `message` under `key`.
  static func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 32
    _ = key.withUnsafeBytes { k in
      message.withUnsafeBytes { m in
        HMAC(
          EVP_sha256(), k.baseAddress, Int32(key.count), m.bindMemory(to: UInt8.self).baseAddress, message.count, &out, &length)
      }
    }
    return out
  }

  /// PBKDF2-HMAC-SHA256: deliberately slow, so a stolen database does not give passwords away cheaply.
  static func pbkdf2(password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 32)
    let bytes = Array(password.utf8)
    _ = bytes.withUnsafeBufferPointer { p in
      p.withMemoryRebound(to: CChar.self) { chars in
        PKCS5_PBKDF2_HMAC(
          chars.baseAddress, Int32(bytes.count), salt, Int32(salt.count), Int32(iterations), EVP_sha256(), 32, &out)
      }
    }
    return out
  }

  /// Compares in time independent of where the inputs differ.
  static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.count == b.count && CRYPTO_memcmp(a, b, a.count) == 0
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
    let salt = Crypto.randomBytes(16)
    let digest = Crypto.pbkdf2(password: password, salt: salt, iterations: iterations)
    return "pbkdf2-sha256$\(iterations)$\(salt.base64URL)$\(digest.base64URL)"
  }

  static func verify(_ password: String, against stored: String) -> Bool {
    let parts = stored.split(separator: "$").map(String.init)
    guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), iterations > 0,
      let salt = [UInt8](base64URL: parts[2]), let digest = [UInt8](base64URL: parts[3])
    else { return false }
    return Crypto.equal(Crypto.pbkdf2(password: password, salt: salt, iterations: iterations), digest)
  }
}
