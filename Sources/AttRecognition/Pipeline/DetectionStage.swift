import AttendanceKit
import FaceKit
import Foundation
import Synchronization

/// Stage 1's detector and follower, used by the producer thread alone once the run starts.
final class DetectionStage: @unchecked Sendable {
  let follower: FaceFollower

  init(models: ModelSet, options: TakeOptions, framesPerSecond: Double, profile: StageProfile? = nil) throws(FaceKitError) {
    follower = try FaceFollower(
      detector: try options.detector.makeDetector(models: models, upsample: options.upsample),
      options: options.follow.resolved(framesPerSecond: framesPerSecond))
    follower.profile = profile
  }

  func detect(_ raw: RawFrame) throws(FaceKitError) -> DetectedFrame {
    let (sightings, ended) = try follower.update(raw.image, index: raw.index, time: raw.time)
    return DetectedFrame(
      index: raw.index, time: raw.time, image: raw.image, faces: sightings.map(\.face), tracks: sightings.map(\.track),
      endedTracks: ended)
  }
}
