import FaceKit
import Foundation

/// Where a camera's gallery stands: the database it came from (its gallery id) and the last change
/// it holds. Written `gallery:sequence` (`3f9c0a1b2c3d4e5f:1042`), in `?since=` and in the ETag.
public struct GalleryVersion: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
  public let gallery: String
  public let sequence: Int64

  public init(gallery: String, sequence: Int64) {
    self.gallery = gallery
    self.sequence = sequence
  }

  /// Parses `gallery:sequence`; nil for anything else.
  public init?(_ text: String) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, (1...64).contains(parts[0].count),
      parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), let sequence = Int64(parts[1]), sequence >= 0
    else { return nil }
    gallery = String(parts[0])
    self.sequence = sequence
  }

  public var description: String { "\(gallery):\(sequence)" }
}
