import FaceKit
import Foundation

/// What liveness concluded for a track so far.
public enum LivenessVerdict: String, Sendable, Codable {
  /// A blink was seen on this track and nothing says it is flat: a person.
  case live
  /// Not yet: no blink seen (a person who has not blinked, or a photo).
  case waiting
  /// The face moved as one flat plane: a photo or a screen moved in front of the camera.
  case spoof
  /// Liveness is off (`--liveness off`): everything counts as live. For testing only.
  case off
}

/// The settings of the per-track liveness cues.
public struct LivenessOptions: Sendable, Equatable {
  public var enabled = true
  /// A blink older than this many seconds no longer counts.
  public var window = 10.0
  /// Eyes count as closed below this fraction of the track's open-eye ratio, and open again above `reopen`.
  public var closeFraction = 0.7
  public var reopenFraction = 0.85
  /// A closure shorter or longer than this (seconds) is not a blink (noise, or eyes shut / looking down).
  public var minClosure = 0.04
  public var maxClosure = 0.6
  /// Landmarks are compared with those of about this many seconds earlier (whatever the frame rate)...
  public var motionSpan = 0.25
  /// ...and pairs that moved more than this fraction of the eye distance test the planar cue...
  public var minMotion = 0.1
  /// ...and a track is a spoof when, over at least `minMovingPairs` such pairs, one homography per pair
  /// explains the 68 landmarks to within this fraction of the eye distance (median). Measured: a photo
  /// moved in front of the camera 0.037 (landmark jitter of a 30 px eye distance); live faces in the
  /// Hamilton clip 0.056 (a small face in the audience) and 0.16 (the performer).
  public var planarResidual = 0.045
  public var minMovingPairs = 8

  public init() {}
}

/// The per-track liveness state: a blink detector on the eye aspect ratio with hysteresis and time
/// limits in seconds (so the frame rate does not matter), and a planar-motion cue on the 68 landmarks.
public struct TrackLiveness: Sendable {
  public let options: LivenessOptions
  /// The open-eye ratio of this face: a slowly following high percentile of what was seen.
  public private(set) var baseline: Double?
  public private(set) var blinks: [Double] = []
  public private(set) var movingPairs = 0
  public private(set) var planarPairs = 0
  /// Residuals (fraction of the eye distance) of the moving pairs, for the figures.
  private var residuals: [Double] = []
  private var closedSince: Double?
  private var recentRatios: [Double] = []
  private var history: [(points: [Point], time: Double)] = []

  public init(options: LivenessOptions) {
    self.options = options
  }

  /// Feeds one frame's 68 landmarks of this track at `time` (seconds).
  public mutating func observe(_ points: [Point], at time: Double) {
    guard let ratio = EyeOpenness.aspectRatio(points) else { return }
    recentRatios.append(ratio)
    if recentRatios.count > 60 { recentRatios.removeFirst(recentRatios.count - 60) }
    let sorted = recentRatios.sorted()
    let open = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.8))]
    baseline = open
    if recentRatios.count >= 3 {
      if let since = closedSince {
        if ratio > open * options.reopenFraction {
          let length = time - since
          if length >= options.minClosure && length <= options.maxClosure { blinks.append(time) }
          closedSince = nil
        }
      } else if ratio < open * options.closeFraction {
        closedSince = time
      }
    }
    observeMotion(points, at: time)
  }

  private mutating func observeMotion(_ points: [Point], at time: Double) {
    defer {
      history.append((points, time))
      history.removeAll { time - $0.time > 2 * options.motionSpan }
    }
    // The latest earlier frame at least motionSpan ago: the same time span at any frame rate.
    guard let earlier = history.last(where: { time - $0.time >= options.motionSpan }) else { return }
    let eyes = hypot(points[42].x - points[39].x, points[42].y - points[39].y)
    guard eyes > 0 else { return }
    var moved = 0.0
    for (a, b) in zip(earlier.points, points) { moved += hypot(a.x - b.x, a.y - b.y) }
    moved /= Double(points.count)
    guard moved / eyes >= options.minMotion, let residual = try? PlanarMotion.residual(from: earlier.points, to: points) else {
      return
    }
    movingPairs += 1
    residuals.append(residual / eyes)
    if residuals.count > 100 { residuals.removeFirst(residuals.count - 100) }  // the median of the recent 100 moving pairs
    if residual / eyes < options.planarResidual { planarPairs += 1 }
  }

  /// The verdict at `time`.
  public func verdict(at time: Double) -> LivenessVerdict {
    guard options.enabled else { return .off }
    if movingPairs >= options.minMovingPairs, medianResidual < options.planarResidual { return .spoof }
    return blinks.contains { time - $0 <= options.window } ? .live : .waiting
  }

  private var medianResidual: Double {
    residuals.isEmpty ? .infinity : residuals.sorted()[residuals.count / 2]
  }

  /// The figures behind the verdict, for the JSON lines and the attendance record.
  public var figures: [String: Double] {
    var figures: [String: Double] = [
      "blinks": Double(blinks.count), "moving_pairs": Double(movingPairs), "planar_pairs": Double(planarPairs),
    ]
    if let baseline { figures["ear_open"] = (baseline * 1000).rounded() / 1000 }
    if let last = recentRatios.last { figures["ear"] = (last * 1000).rounded() / 1000 }
    if !residuals.isEmpty {
      figures["planar_residual"] = (medianResidual * 10000).rounded() / 10000
    }
    return figures
  }
}
