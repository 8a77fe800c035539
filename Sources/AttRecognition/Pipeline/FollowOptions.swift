import AttendanceKit
import FaceKit
import Foundation

/// How att-take's first stage finds and follows faces. The defaults were measured on every clip in
/// ../shared/faces/video (see docs/finding-faces.md).
public struct FollowOptions: Sendable, Equatable {
  /// The whole frame is searched for new faces on every `searchEvery`-th frame (counted in frames,
  /// not time, so a file gives the same tracks on any machine); between searches each track is
  /// followed in a small region around it. 1 searches every frame; 0 chooses from the source's frame
  /// rate (`resolved(framesPerSecond:)`).
  public var searchEvery = 0
  /// With `searchEvery` 0: about this many whole-frame searches a second (every 5th frame at 30
  /// frames/s, every 2nd at 10), so a new face waits at most a sixth of a second whatever the camera.
  public var searchesPerSecond = 6.0
  /// The search sees the frame shrunk so its longer side is at most this (0: full size). At 960 a
  /// 1080p frame's faces of 70 px are seen at 35 px, well inside RetinaFace's range.
  public var searchSide = 960
  /// A face smaller than this (box width, full-frame pixels) starts no track; a track that shrinks
  /// below three quarters of it ends. The pedestrians of the hard-negative clip are 9-13 px.
  public var minFace = 16
  /// Score a detection needs to start a track (RetinaFace's 0-1 score; dlib's detectors keep
  /// everything they report, their scores being on another scale).
  public var startScore: Float = RetinaFaceDetector.defaultMinScore
  /// Score a detection needs to continue a track that is being followed.
  public var followScore: Float = 0.6
  /// Frames in a row a new track must be found in before it is reported: a false face that flickers
  /// for a frame or two never becomes a track...
  public var confirmFrames = 3
  /// ...unless its first detection scores at least this: no false face of 16 px or more scored
  /// over 0.88 on any clip of ../shared/faces/video (the parking clip's).
  public var sureScore: Float = 0.95
  /// Seconds a reported track may go unseen before it ends (a face turned away, a passer-by in front).
  public var maxGap = 1.0
  /// The size (px) a followed face is scaled to in its region: RetinaFace is surest of faces of
  /// 30-60 px, and a region of 2.4 faces costs a few milliseconds at this size.
  public var followFaceSize = 40

  public init() {}

  /// These options with the search schedule fixed for a source of `framesPerSecond`.
  public func resolved(framesPerSecond: Double) -> FollowOptions {
    guard searchEvery == 0 else { return self }
    var options = self
    let rate = framesPerSecond > 0 && framesPerSecond.isFinite ? framesPerSecond : 25
    options.searchEvery = max(1, Int((rate / searchesPerSecond).rounded()))
    return options
  }

  /// The schedule of the older pipeline, for `--detector hog`: the whole frame every frame, a track
  /// from the first detection, followed by overlap alone.
  public static var everyFrame: FollowOptions {
    var options = FollowOptions()
    options.searchEvery = 1
    options.confirmFrames = 1
    options.minFace = 0
    options.startScore = -.infinity
    return options
  }
}
