/// A face's rectangle in image pixels: `left`/`top` inclusive, `right`/`bottom` exclusive, clipped to
/// the image, so `right - left` is the width. Encoded in JSON as `[left, top, right, bottom]`.
public struct FaceBox: Sendable, Equatable, Hashable, Codable {
  public var left: Int
  public var top: Int
  public var right: Int
  public var bottom: Int

  public init(left: Int, top: Int, right: Int, bottom: Int) {
    self.left = left
    self.top = top
    self.right = right
    self.bottom = bottom
  }

  public var width: Int { right - left }
  public var height: Int { bottom - top }
  public var area: Int { max(width, 0) * max(height, 0) }

  public init(from decoder: any Decoder) throws {
    var container = try decoder.unkeyedContainer()
    self.init(
      left: try container.decode(Int.self), top: try container.decode(Int.self),
      right: try container.decode(Int.self), bottom: try container.decode(Int.self))
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.unkeyedContainer()
    try container.encode(left)
    try container.encode(top)
    try container.encode(right)
    try container.encode(bottom)
  }
}

/// dlib's own rectangle for a detection: inclusive corners that may reach past the image edge.
/// Landmark prediction uses it unclipped, as dlib's tools do; people see the clipped `FaceBox`.
struct DetectionRegion: Sendable, Equatable, Hashable {
  var left: Int64
  var top: Int64
  var right: Int64
  var bottom: Int64
}
