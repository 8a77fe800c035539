import Foundation

/// Bounds on what the engine agrees to decode, so that a hostile or mistaken file cannot exhaust memory.
/// Every format's size is read from its header and checked before any pixel is decoded.
public struct ImageLimits: Sendable, Equatable {
  /// Largest accepted width x height. The default, 100 megapixels, admits an 8000x6000 photo (48 MP)
  /// and refuses decompression bombs before their pixels are allocated.
  public var maxPixels: Int

  public static let defaultMaxPixels = 100_000_000

  public init(maxPixels: Int = ImageLimits.defaultMaxPixels) {
    self.maxPixels = maxPixels
  }

  /// The limits the tools use unless told otherwise: `ATT_MAX_PIXELS` when set (every tool that
  /// decodes, att-worker included, reads it; `--max-pixels` sets it for one run), else the default.
  public static var standard: ImageLimits {
    guard let text = ProcessInfo.processInfo.environment[environmentKey], let value = Int(text), value > 0 else {
      return ImageLimits()
    }
    return ImageLimits(maxPixels: value)
  }

  /// The environment variable that sets `standard`.
  public static let environmentKey = "ATT_MAX_PIXELS"
}
