import FaceKit
import Foundation

// sample-video OUT.avi PHOTO...: a clip of each photo held up to a camera (still, then moved as one
// flat picture), with empty frames between: what the demo runs att-take on when ../shared's real
// video is absent. Not installed; built with the other tools.
let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else {
  FileHandle.standardError.write(Data("usage: sample-video OUT.avi PHOTO...\n".utf8))
  exit(64)
}
var shots: [StillsVideo.Shot] = [.empty(frames: 5)]
for photo in arguments.dropFirst() { shots += [.still(photo, frames: 20), .moved(photo, frames: 20), .empty(frames: 5)] }
do {
  try StillsVideo.make(arguments[0], shots: shots, fps: 10)
} catch {
  FileHandle.standardError.write(Data("sample-video: \(error)\n".utf8))
  exit(1)
}
