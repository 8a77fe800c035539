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
let usage = "usage: sample-video OUT.avi PHOTO...\n       sample-video --upscale WIDTHxHEIGHT IN OUT.avi [FRAMES]\n"
func fail(_ message: String, status: Int32 = 1) -> Never {
  FileHandle.standardError.write(Data("sample-video: \(message)\n".utf8))
  exit(status)
}

if arguments.first == "--upscale" {
  guard arguments.count >= 4 else { fail(usage, status: 64) }
  let size = arguments[1].split(separator: "x").compactMap { Int($0) }
  guard size.count == 2, (16...8192).contains(size[0]), (16...8192).contains(size[1]) else {
    fail("--upscale takes WIDTHxHEIGHT, e.g. 1920x1080, not '\(arguments[1])'", status: 64)
  }
  let limit = arguments.count >= 5 ? Int(arguments[4]) ?? Int.max : Int.max
  do {
    let video = try VideoSource(arguments[2])
    let fps = video.framesPerSecond > 0 ? video.framesPerSecond : 25
    let writer = try VideoWriter(path: arguments[3], framesPerSecond: fps, width: size[0], height: size[1])
    var count = 0
    while count < limit, let frame = try video.nextFrame() {
      try writer.write(try frame.resized(width: size[0], height: size[1]))
      count += 1
    }
    writer.close()
    guard count > 0 else { fail("\(arguments[2]): no frames") }
  } catch {
    fail("\(error)")
  }
  exit(0)
}

guard arguments.count >= 2 else { fail(usage, status: 64) }
var shots: [StillsVideo.Shot] = [.empty(frames: 5)]
for photo in arguments.dropFirst() {
  shots += [.still(photo, frames: 20), .handHeld(photo, frames: 40, seed: 1, fill: 1.1), .empty(frames: 5)]
}
do {
  try StillsVideo.make(arguments[0], shots: shots, fps: 10)
} catch {
  fail("\(error)")
}
