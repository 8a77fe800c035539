import FaceKit
import Foundation

/// How a tablet shows a picture to a camera: a black bezel around it, the black level raised and the
/// contrast lowered (a backlight), a cool colour cast, and every third pixel column darkened (the
/// RGB stripe of an LCD), which aliases into moire once the camera resamples the screen.
public enum DisplayLook {
  public static func render(_ image: Image) throws -> Image {
    let bezel = max(image.width, image.height) / 16
    let w = image.width + 2 * bezel, h = image.height + 2 * bezel
    let source = image.rgbBytes()
    var pixels = [UInt8](repeating: 12, count: w * h * 3)
    let cast: [Double] = [0.92, 0.98, 1.06]
    for y in 0..<image.height {
      for x in 0..<image.width {
        let stripe = x % 3 == 2 ? 0.78 : 1.0
        let from = (y * image.width + x) * 3, to = ((y + bezel) * w + x + bezel) * 3
        for c in 0..<3 {
          let value = 28 + 0.8 * Double(source[from + c]) * cast[c] * stripe
          pixels[to + c] = UInt8(max(0, min(255, value)))
        }
      }
    }
    return try pixels.withUnsafeBytes {
      try Image(pixels: $0, width: w, height: h, bytesPerRow: w * 3, bgr: false, source: "\(image.source) on a screen")
    }
  }
}
