import AttendanceKit
import FaceKit
import Foundation

/// A frame after detection: what the first pipeline stage hands the second.
public struct DetectedFrame: Sendable {
  public let index: Int
  /// Seconds: video time for files, since start for cameras, index / rate for image folders.
  public let time: Double
  public let image: Image
  public let faces: [DetectedFace]
  /// The track of each face, from stage 1's `FaceFollower`.
  public let tracks: [Int]
  /// Tracks that ended before this frame (unseen for too long, or gone below the smallest face).
  public let endedTracks: [Int]

  public init(index: Int, time: Double, image: Image, faces: [DetectedFace], tracks: [Int], endedTracks: [Int] = []) {
    self.index = index
    self.time = time
    self.image = image
    self.faces = faces
    self.tracks = tracks
    self.endedTracks = endedTracks
  }
}
