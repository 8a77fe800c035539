import CFaceKit

/// Luminance and focus figures of one region of an image, for quality gates.
public struct RegionStats: Sendable, Equatable, Codable {
  /// Mean luminance, 0 (black) to 255 (white).
  public let brightness: Double
  /// Standard deviation of the luminance: low on washed-out or flat faces.
  public let contrast: Double
  /// Variance of the Laplacian with the region scaled to 128x128: low when blurred or out of focus.
  public let sharpness: Double
}

extension Image {
  /// A copy of the part of the image inside `box`, clipped to the image.
  public func cropped(to box: FaceBox) throws(FaceKitError) -> Image {
    var crop: OpaquePointer?
    try native(source) { cfk_image_crop(handle, box.inclusiveRect, &crop, $0) }
    return Image.wrap(crop!, source: source)
  }

  /// Brightness, contrast and sharpness of the region inside `box`.
  public func regionStats(_ box: FaceBox) throws(FaceKitError) -> RegionStats {
    var stats = cfk_region_stats_result()
    try native(source) { cfk_region_stats(handle, box.inclusiveRect, &stats, $0) }
    return RegionStats(brightness: stats.brightness, contrast: stats.contrast, sharpness: stats.sharpness)
  }
}

extension FaceBox {
  /// Intersection over union with `other` (0: apart, 1: the same box): how trackers tell that two
  /// boxes show the same face.
  public func overlap(with other: FaceBox) -> Double {
    let w = min(right, other.right) - max(left, other.left)
    let h = min(bottom, other.bottom) - max(top, other.top)
    guard w > 0, h > 0 else { return 0 }
    let inter = Double(w * h)
    return inter / (Double(area) + Double(other.area) - inter)
  }

  /// The box grown by `fraction` of its size on every side, clipped to a `width` x `height` image.
  public func expanded(by fraction: Double, width: Int, height: Int) -> FaceBox {
    let dx = Int((Double(self.width) * fraction).rounded())
    let dy = Int((Double(self.height) * fraction).rounded())
    return FaceBox(
      left: max(left - dx, 0), top: max(top - dy, 0), right: min(right + dx, width), bottom: min(bottom + dy, height))
  }

  package var inclusiveRect: cfk_rect {
    cfk_rect(left: Int64(left), top: Int64(top), right: Int64(right - 1), bottom: Int64(bottom - 1), score: 0)
  }
}

extension Image {
  /// The image seen through a perspective transform: `homography` (row-major 3x3) maps a pixel of
  /// this image to the `width` x `height` output; output pixels with no source are `background` grey.
  public func warped(by homography: [Double], width: Int, height: Int, background: UInt8 = 90) throws(FaceKitError)
    -> Image
  {
    guard homography.count == 9 else { throw .invalidArgument("\(source): a homography has 9 entries, not \(homography.count)") }
    var warped: OpaquePointer?
    try native(source) { error in
      homography.withUnsafeBufferPointer {
        cfk_image_warp(handle, $0.baseAddress, Int64(width), Int64(height), background, &warped, error)
      }
    }
    return Image.wrap(warped!, source: source)
  }
}
