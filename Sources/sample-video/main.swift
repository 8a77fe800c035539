import FaceKit
import Foundation

// sample-video OUT.avi PHOTO...: a clip of each photo held up to a camera (held still, then in a
// hand: sway, a few degrees in depth, tremor), with empty frames between: the presentation attack
// the demo shows att-take refusing. Not installed; built with the other tools.
let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else {
  FileHandle.standardError.write(Data("usage: sample-video OUT.avi PHOTO...\n".utf8))
  exit(64)
}
var shots: [StillsVideo.Shot] = [.empty(frames: 5)]
for photo in arguments.dropFirst() {
  shots += [.still(photo, frames: 20), .handHeld(photo, frames: 40, seed: 1, fill: 1.1), .empty(frames: 5)]
}
do {
  try StillsVideo.make(arguments[0], shots: shots, fps: 10)
} catch {
  FileHandle.standardError.write(Data("sample-video: \(error)\n".utf8))
  exit(1)
}
