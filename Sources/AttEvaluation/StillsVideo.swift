import FaceKit
import FaceVideo
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
    /// A tablet held in a hand showing the photo, with a display's look (`DisplayLook`).
    case screen(String, frames: Int, seed: UInt64)
    /// A tablet held in a hand playing `video` at its own speed (looping), with a display's look;
    /// `fill` as for `handHeld` (above 1: held close, the bezel partly out of view).
    case replay(String, frames: Int, seed: UInt64, fill: Double)
    /// An empty grey frame for `frames` frames (nobody in view).
    case empty(frames: Int)
  }

  /// Writes the shots to `path` at `fps`, each frame `width` x `height`: all of them, or (a photo that
  /// does not decode) nothing.
  public static func make(_ path: String, shots: [Shot], fps: Double = 10, width: Int = 640, height: Int = 480) throws {
    try VideoWriter.whole(path: path, framesPerSecond: fps, width: width, height: height) { writer in
      try write(shots, to: writer, fps: fps, width: width, height: height)
    }
  }

  private static func write(_ shots: [Shot], to writer: VideoWriter, fps: Double, width: Int, height: Int) throws {
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
    /// `picture(k)` held in a hand for `frames` frames, filling `fill` of the frame.
    func inHand(frames: Int, seed: UInt64, fill: Double, picture: (Int) throws -> Image) throws {
      var base: HeldPicture?
      for k in 0..<frames {
        let shown = try picture(k)
        if base == nil { base = HeldPicture(scale: fitting(shown, fill)) }
        try writer.write(try held(shown, HeldPicture.handHeld(at: Double(k) / fps, around: base!, seed: seed)))
      }
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
        try inHand(frames: frames, seed: seed, fill: fill) { _ in image }
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
      case .screen(let photo, let frames, let seed):
        let shown = try DisplayLook.render(try Image(contentsOfFile: photo))
        try inHand(frames: frames, seed: seed, fill: 0.85) { _ in shown }
      case .replay(let clip, let frames, let seed, let fill):
        var video = try VideoSource(clip)
        var shown: Image?
        var start = 0
        try inHand(frames: frames, seed: seed, fill: fill) { k in
          // The clip at its own speed: its frame for this moment (frames skipped or repeated), looped.
          let rate = video.framesPerSecond > 0 ? video.framesPerSecond : fps
          while video.framesRead <= Int(Double(k - start) / fps * rate) {
            if let frame = try video.nextFrame() {
              shown = frame
              continue
            }
            guard shown != nil else { throw FaceKitError.sourceUnavailable(source: clip, detail: "has no frames") }
            video = try VideoSource(clip)
            start = k
          }
          return try DisplayLook.render(shown!)
        }
      case .empty(let frames):
        for _ in 0..<frames { try writer.write(empty) }
      }
    }
  }
}
