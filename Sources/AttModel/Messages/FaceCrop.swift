import Foundation

/// One face crop of a registration, with the figures the quality gate measured.
public struct FaceCrop: Sendable, Equatable, Codable {
  public var jpeg: Data
  public var quality: [String: Double]?

  public init(jpeg: Data, quality: [String: Double]? = nil) {
    self.jpeg = jpeg
    self.quality = quality
  }
}
