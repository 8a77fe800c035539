import AttEvaluation
import FaceKit
import FaceVideo
import Foundation

// sample-video OUT.avi PHOTO...: a clip of each photo held up to a camera (held still, then in a
// hand: sway, a few degrees in depth, tremor), with empty frames between: the presentation attack
// the demo shows att-take refusing.
// sample-video --upscale WIDTHxHEIGHT IN OUT.avi [FRAMES]: the video IN resized to that size (MJPG), at
// most FRAMES frames: a full-resolution camera's cost, measured on real footage (`make bench`).
// Not installed; built with the other tools.
let arguments = Array(CommandLine.arguments.dropFirst())
let usage =
  "usage: sample-video OUT.avi PHOTO...\n       sample-video --upscale WIDTHxHEIGHT IN OUT.avi [FRAMES]\n       sample-video --shake IN OUT.avi [SEED]\n"
let help = """
  sample-video: test videos for the demo and the benchmarks (not installed).

  \(usage)
    OUT.avi PHOTO...   an MJPG clip at 10 frames/s, 640x480: each photo held still for 2 s, then
                       held in a hand for 4 s (sway, a few degrees in depth, tremor), with empty
                       frames between: a photo held up to a camera, which att-take should refuse.
    --upscale WIDTHxHEIGHT IN OUT.avi [FRAMES]
                       the video IN resized to WIDTHxHEIGHT (16-8192 each), at most FRAMES frames,
                       at IN's frame rate: a full-resolution camera's cost on real footage.
    --shake IN OUT.avi [SEED]
                       the video IN as a camera held in a hand would film it (a phone selfie):
                       every frame moved by a slow sway and a tremor (rendered, for the mechanism).

  OUT.avi is written whole or not at all: a photo or video that does not decode leaves no file.
  Exit status: 0 written, 1 an input could not be read or OUT could not be written, 64 a usage error.
  """
if arguments.first == "--help" || arguments.first == "-h" {
  print(help, terminator: "")
  exit(0)
}
func fail(_ message: String, status: Int32 = 1) -> Never {
  FileHandle.standardError.write(Data("sample-video: \(message)\n".utf8))
  exit(status)
}

/// OUT must name an .avi (an MJPG video): a photo named first by mistake is refused, not overwritten.
func checkOutput(_ path: String) {
  guard path.lowercased().hasSuffix(".avi") else {
    fail("OUT is the video to write and must end in .avi (MJPG), not '\(path)'\n\(usage)", status: 64)
  }
}

if arguments.first == "--shake" {
  // A real clip as a camera held in a hand would film it: every frame moved by one homography
  // (`HeldPicture.handHeldCamera`), zoomed 8% so that no edge shows.
  guard arguments.count >= 3 else { fail(usage, status: 64) }
  checkOutput(arguments[2])
  let seed = arguments.count >= 4 ? UInt64(arguments[3]) ?? 1 : 1
  do {
    let video = try VideoSource(arguments[1])
    let fps = video.framesPerSecond > 0 ? video.framesPerSecond : 25
    var writer: VideoWriter?
    var count = 0
    while let frame = try video.nextFrame() {
      if writer == nil {
        writer = try VideoWriter(path: arguments[2], framesPerSecond: fps, width: frame.width, height: frame.height)
      }
      let pose = HeldPicture.handHeldCamera(at: Double(count) / fps, around: HeldPicture(scale: 1.08), seed: seed)
      let h = pose.homography(
        pictureWidth: frame.width, pictureHeight: frame.height, frameWidth: frame.width, frameHeight: frame.height)
      try writer!.write(try frame.warped(by: h, width: frame.width, height: frame.height))
      count += 1
    }
    writer?.close()
    guard count > 0 else { fail("\(arguments[1]) has no frames") }
  } catch {
    fail("\(error)")
  }
  exit(0)
}

if arguments.first == "--upscale" {
  guard arguments.count >= 4 else { fail(usage, status: 64) }
  checkOutput(arguments[3])
  let size = arguments[1].split(separator: "x").compactMap { Int($0) }
  guard size.count == 2, (16...8192).contains(size[0]), (16...8192).contains(size[1]) else {
    fail("--upscale takes WIDTHxHEIGHT, e.g. 1920x1080, not '\(arguments[1])'", status: 64)
  }
  var limit = Int.max
  if arguments.count >= 5 {
    guard let frames = Int(arguments[4]), frames > 0 else {
      fail("FRAMES is a whole number over 0, not '\(arguments[4])'", status: 64)
    }
    limit = frames
  }
  do {
    let video = try VideoSource(arguments[2])
    let fps = video.framesPerSecond > 0 ? video.framesPerSecond : 25
    try VideoWriter.whole(path: arguments[3], framesPerSecond: fps, width: size[0], height: size[1]) { writer in
      var count = 0
      while count < limit, let frame = try video.nextFrame() {
        try writer.write(try frame.resized(width: size[0], height: size[1]))
        count += 1
      }
      guard count > 0 else { throw FaceKitError.sourceUnavailable(source: arguments[2], detail: "has no frames") }
    }
  } catch {
    fail("\(error)")
  }
  exit(0)
}

guard arguments.count >= 2 else { fail(usage, status: 64) }
checkOutput(arguments[0])
var shots: [StillsVideo.Shot] = [.empty(frames: 5)]
for photo in arguments.dropFirst() {
  shots += [.still(photo, frames: 20), .handHeld(photo, frames: 40, seed: 1, fill: 1.1), .empty(frames: 5)]
}
do {
  try StillsVideo.make(arguments[0], shots: shots, fps: 10)
} catch {
  fail("\(error)")
}
