import Crypto
import Foundation

extension Data {
  /// The SHA-256 of these bytes as 64 lowercase hex digits (swift-crypto's), for naming face images
  /// by content and noticing changed files.
  public var sha256Hex: String { SHA256.hash(data: self).map { String(format: "%02x", $0) }.joined() }
}
