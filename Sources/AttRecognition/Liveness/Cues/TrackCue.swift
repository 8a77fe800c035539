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

  /// The earlier frame to compare `sample` with, how far the landmarks moved meanwhile in eye
  /// distances, and the eye distance; nil without an earlier frame. The sample is kept for the
  /// frames to come.
  ///
  /// The earlier frame is the latest at least `span` seconds back. When the face moved less than
  /// `minMotion` since then and `reach` is longer, the latest frame within `reach` from which it did
  /// move that much is taken instead: a head turning slowly (or seen at a low frame rate) is compared
  /// over a longer baseline, as a fast one is over `span`. Frames older than `span` are kept about
  /// `span / 2` apart, so a longer reach holds only a few more frames.
  mutating func pair(
    with points: [Point], frame: Image, at time: Double, span: Double, reach: Double? = nil, minMotion: Double = 0
  )
    -> (earlier: Entry, moved: Double, eyes: Double)?
  {
    let reach = max(reach ?? 2 * span, span)
    defer { keep((points, frame, time), span: span, reach: reach) }
    guard let index = history.lastIndex(where: { time - $0.time >= span }) else { return nil }
    func moved(from earlier: Entry) -> (moved: Double, eyes: Double)? {
      let eyes = hypot(earlier.points[42].x - earlier.points[39].x, earlier.points[42].y - earlier.points[39].y)
      guard eyes > 0 else { return nil }
      var moved = 0.0
      for (a, b) in zip(earlier.points, points) { moved += hypot(a.x - b.x, a.y - b.y) }
      return (moved / Double(points.count) / eyes, eyes)
    }
    guard let nearest = moved(from: history[index]) else { return nil }
    if nearest.moved < minMotion {
      for older in history[..<index].reversed() where time - older.time <= reach {
        if let farther = moved(from: older), farther.moved >= minMotion { return (older, farther.moved, farther.eyes) }
      }
    }
    return (history[index], nearest.moved, nearest.eyes)
  }

  /// Keeps every frame of the last `span` and the first before it (the next pair's), then older
  /// ones within `reach` at least `span / 2` apart.
  private mutating func keep(_ entry: Entry, span: Double, reach: Double) {
    history.append(entry)
    let now = entry.time
    var kept: [Entry] = []
    var beyondSpan = 0
    for old in history.reversed() where now - old.time <= reach {
      if now - old.time > span {
        beyondSpan += 1
        if beyondSpan > 1, let newer = kept.last, newer.time - old.time < span / 2 { continue }
      }
      kept.append(old)
    }
    history = kept.reversed()
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
