import AttendanceKit
import FaceKit
import Foundation

/// What one frame of a track gives the cues: its 68 landmarks at `time` (seconds), and the frame
/// with the face's box when the cue needs the pixels.
public struct CueSample {
  public let points: [Point]
  public let box: FaceBox?
  public let frame: Image?
  public let time: Double

  public init(points: [Point], box: FaceBox?, frame: Image?, time: Double) {
    self.points = points
    self.box = box
    self.frame = frame
    self.time = time
  }
}

/// One liveness cue's state on one track. A cue observes the track's frames and votes; it does not
/// decide: `LivenessFusion` turns the votes of the cues in use into the verdict.
public protocol TrackCue: Sendable {
  /// Which cue this is.
  static var cue: LivenessCue { get }
  /// Feeds one frame of the track.
  mutating func observe(_ sample: CueSample) throws(FaceKitError)
  /// What the cue says at `time`: `true` live, `false` attack, nil nothing yet.
  func vote(at time: Double) -> Bool?
  /// Whether the cue has not yet seen enough to be outvoted: no live verdict comes before it has had
  /// its say (an attack vote is final, so a live one must wait for the cues that could vote attack).
  var isPending: Bool { get }
  /// The cue's figures, for the JSON lines and the attendance record.
  func addFigures(to figures: inout [String: Double])
}

extension TrackCue {
  public var isPending: Bool { false }
}

/// The recent frames of a track with their landmarks, and the pair the motion cues compare: the
/// latest earlier frame at least `span` seconds ago (the same time span at any frame rate).
struct FramePairs: Sendable {
  typealias Entry = (points: [Point], frame: Image, time: Double)
  private var history: [Entry] = []

  /// The earlier frame to compare `sample` with, and how far the landmarks moved meanwhile in eye
  /// distances; nil without an earlier frame. The sample is kept for the frames to come.
  mutating func pair(with points: [Point], frame: Image, at time: Double, span: Double) -> (earlier: Entry, moved: Double, eyes: Double)? {
    defer {
      history.append((points, frame, time))
      history.removeAll { time - $0.time > 2 * span }
    }
    guard let earlier = history.last(where: { time - $0.time >= span }) else { return nil }
    let eyes = hypot(earlier.points[42].x - earlier.points[39].x, earlier.points[42].y - earlier.points[39].y)
    guard eyes > 0 else { return nil }
    var moved = 0.0
    for (a, b) in zip(earlier.points, points) { moved += hypot(a.x - b.x, a.y - b.y) }
    return (earlier, moved / Double(points.count) / eyes, eyes)
  }
}

/// The median of `values` (NaN when empty).
func median(_ values: [Double]) -> Double {
  values.isEmpty ? .nan : values.sorted()[values.count / 2]
}

/// `value` rounded to `places` decimals, for the figures.
func rounded(_ value: Double, _ places: Double) -> Double {
  let scale = pow(10, places)
  return (value * scale).rounded() / scale
}
