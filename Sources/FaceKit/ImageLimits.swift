/// Bounds on what the engine agrees to decode, so that a hostile or mistaken file cannot exhaust memory.
public struct ImageLimits: Sendable, Equatable {
  /// Largest accepted width x height. The default, 100 megapixels, admits an 8000x6000 photo (48 MP)
  /// and refuses decompression bombs before their pixels are allocated.
  public var maxPixels: Int

  public init(maxPixels: Int = 100_000_000) {
    self.maxPixels = maxPixels
  }

  /// The limits the tools use unless told otherwise.
  public static let standard = ImageLimits()
}
