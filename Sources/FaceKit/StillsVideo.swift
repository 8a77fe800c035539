import Foundation

/// Builds MJPG videos from still photos, the way a camera would see a photo held up to it: held
/// still, moved (shifted and scaled as one flat picture), held in a hand, turned in depth, or a
/// tablet replaying a video; or an empty scene between people. Used by the tests, by the demo
/// (which needs a video on machines that have only the sample photos) and by `att-liveness
/// eval-video`, which scores the liveness cues on such presentation attacks.
public enum StillsVideo {
  public enum Shot: Sendable {
    /// The photo held still for `frames` frames.
    case still(String, frames: Int)
    /// The photo moved as a flat picture: zooming in and sliding sideways over `frames` frames.
    case moved(String, frames: Int)
    /// The photo held in a hand in front of a grey wall: sway, a few degrees in depth and tremor
    /// (`HeldPicture.handHeld`); `fill`: the photo's width or height as a fraction of the frame's.
    case handHeld(String, frames: Int, seed: UInt64, fill: Double = 0.8)
    /// The photo turned in depth about its vertical axis, from 40 degrees one way to 40 the other
    /// and back, with a little tilt.
    case turned(String, frames: Int)
    /// A tablet held in a hand, showing a photo, or playing a video (from its start, looping), with
    /// a display's look: a black bezel, raised black level, a colour cast and an RGB stripe pattern,
    /// which the camera's resampling turns into moire. `fill`: the screen's width or height as a
    /// fraction of the frame's (above 1: held close, the bezel partly out of view).
    case screen(String, frames: Int, seed: UInt64, fill: Double = 0.85)
    /// An empty grey frame for `frames` frames (nobody in view).
    case empty(frames: Int)
  }

  /// Writes the shots to `path` at `fps`, each frame `width` x `height`.
  public static func make(_ path: String, shots: [Shot], fps: Double = 10, width: Int = 640, height: Int = 480) throws {
    let writer = try VideoWriter(path: path, framesPerSecond: fps, width: width, height: height)
    let grey = [UInt8](repeating: 90, count: width * height * 3)
    let empty = try grey.withUnsafeBytes {
      try Image(pixels: $0, width: width, height: height, bytesPerRow: width * 3, bgr: false, source: "empty")
    }
    func held(_ picture: Image, _ pose: HeldPicture) throws -> Image {
      let h = pose.homography(
        pictureWidth: picture.width, pictureHeight: picture.height, frameWidth: width, frameHeight: height)
      return try picture.warped(by: h, width: width, height: height)
    }
    /// The scale at which a picture fills `fraction` of the frame (as it would, held at arm's length).
    func fitting(_ picture: Image, _ fraction: Double) -> Double {
      fraction * min(Double(width) / Double(picture.width), Double(height) / Double(picture.height))
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
      case .handHeld(let photo, let frames, let seed, let fill):
        let image = try Image(contentsOfFile: photo)
        let base = HeldPicture(scale: fitting(image, fill))
        for k in 0..<frames {
          try writer.write(try held(image, HeldPicture.handHeld(at: Double(k) / fps, around: base, seed: seed)))
        }
      case .turned(let photo, let frames):
        let image = try Image(contentsOfFile: photo)
        let base = HeldPicture(scale: fitting(image, 0.75))
        for k in 0..<frames {
          let phase = 2 * Double.pi * Double(k) / Double(max(frames, 1))
          var pose = base
          pose.yaw = 40 * sin(phase)
          pose.pitch = 5 * sin(2 * phase)
          try writer.write(try held(image, pose))
        }
      case .screen(let shown, let frames, let seed, let fill):
        let videoNames: Set<String> = ["mp4", "avi", "mkv", "mov", "webm", "m4v"]
        let isVideo = videoNames.contains((shown as NSString).pathExtension.lowercased())
        let photo = isVideo ? nil : try DisplayLook.render(try Image(contentsOfFile: shown))
        var source = isVideo ? try VideoSource(shown) : nil
        var base: HeldPicture?
        var shownFrame: Image?
        var clipStart = 0
        for k in 0..<frames {
          var picture = photo
          if var video = source {
            // Played at its own speed: the clip's frame for this moment (frames skipped or repeated).
            let clipRate = video.framesPerSecond > 0 ? video.framesPerSecond : fps
            while video.framesRead <= Int(Double(k - clipStart) / fps * clipRate) {
              if let frame = try video.nextFrame() {
                shownFrame = frame
              } else {
                guard shownFrame != nil else { throw FaceKitError.sourceUnavailable(source: shown, detail: "has no frames") }
                video = try VideoSource(shown)  // the end: loop from the start
                source = video
                clipStart = k
              }
            }
            picture = try DisplayLook.render(shownFrame!)
          }
          if base == nil { base = HeldPicture(scale: fitting(picture!, fill)) }
          try writer.write(try held(picture!, HeldPicture.handHeld(at: Double(k) / fps, around: base!, seed: seed)))
        }
      case .empty(let frames):
        for _ in 0..<frames { try writer.write(empty) }
      }
    }
    writer.close()
  }
}

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
