import Foundation

/// Builds MJPG videos from still photos, the way a camera would see a photo held up to it: held
/// still, moved (shifted and scaled as one flat picture), or an empty scene between people. Used by
/// the tests and by the demo, which needs a video on machines that have only the sample photos.
public enum StillsVideo {
  public enum Shot {
    /// The photo held still for `frames` frames.
    case still(String, frames: Int)
    /// The photo moved as a flat picture: zooming in and sliding sideways over `frames` frames.
    case moved(String, frames: Int)
    /// An empty grey frame for `frames` frames (nobody in view).
    case empty(frames: Int)
  }

  /// Writes the shots to `path` at `fps`, each frame letterboxed into `width` x `height`.
  public static func make(_ path: String, shots: [Shot], fps: Double = 10, width: Int = 640, height: Int = 480) throws {
    let writer = try VideoWriter(path: path, framesPerSecond: fps, width: width, height: height)
    let grey = [UInt8](repeating: 90, count: width * height * 3)
    let empty = try grey.withUnsafeBytes {
      try Image(pixels: $0, width: width, height: height, bytesPerRow: width * 3, bgr: false, source: "empty")
    }
    for shot in shots {
      switch shot {
      case .still(let photo, let frames):
        let image = try Image(contentsOfFile: photo)
        for _ in 0..<frames { try writer.write(image) }
      case .moved(let photo, let frames):
        let image = try Image(contentsOfFile: photo)
        for k in 0..<frames {
          // A window that shrinks to 80% and slides right: the face moves and grows as one plane.
          let t = Double(k) / Double(max(frames - 1, 1))
          let scale = 1 - 0.2 * t
          let w = Int(Double(image.width) * scale), h = Int(Double(image.height) * scale)
          let left = Int(Double(image.width - w) * (1 - t)), top = (image.height - h) / 2
          try writer.write(try image.cropped(to: FaceBox(left: left, top: top, right: left + w, bottom: top + h)))
        }
      case .empty(let frames):
        for _ in 0..<frames { try writer.write(empty) }
      }
    }
    writer.close()
  }
}
