import ArgumentParser
import FaceKit
import Foundation

/// `--max-pixels`, shared by every tool that decodes images (att-register, att-take, att-worker;
/// att-extract has its own with the same meaning): the one limit, also settable for all of them at
/// once with `ATT_MAX_PIXELS`.
public struct ImageOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Largest image accepted, in pixels (width x height), checked from its header before it is decoded (default: $\(ImageLimits.environmentKey), else \(ImageLimits.defaultMaxPixels)).",
      valueName: "n"))
  public var maxPixels: Int?

  public init() {}

  /// Makes the limit the process's `ImageLimits.standard`.
  public func validate() throws {
    guard let maxPixels else { return }
    guard maxPixels >= 1 else { throw ValidationError("--max-pixels must be positive.") }
    setenv(ImageLimits.environmentKey, String(maxPixels), 1)
  }
}
