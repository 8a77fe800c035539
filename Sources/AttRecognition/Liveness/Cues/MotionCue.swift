import AttendanceKit
import FaceKit
import Foundation

/// The motion cue: the face's texture (corners inside the brows-to-chin landmarks) tracked from the
/// frame about `motionSpan` earlier and fitted with one homography. A face moving as a solid with
/// depth, or speaking, does not fit it: live. A flat picture moved or turned fits it, but so, nearly,
/// does a live face that barely turns (a phone selfie's shake is mostly a slide): flat motion is
/// doubt, not an attack vote. While the motion is flat a blink does not make the face live; moving
/// as a solid still does (no picture measured comes near the solid line).
public struct MotionCue: TrackCue {
  public static let cue = LivenessCue.motion
  let options: LivenessOptions
  private var pairs = FramePairs()
  public private(set) var movingPairs = 0
  public private(set) var planarPairs = 0
  /// Residuals (fraction of the eye distance) of the recent 100 moving pairs.
  private var residuals: [Double] = []
  /// The median of `residuals`, kept as each pair is scored (read on every frame through
  /// `isPending`); infinity before the first.
  private var medianResidual = Double.infinity
  /// The lowest running median so far, once there were `minMovingPairs` (the figure the flat line
  /// must stay under for every live face).
  public private(set) var lowest: Double?
  /// Whether some `minMovingPairs` consecutive moving pairs had a median residual over the solid
  /// line: the head moved as a solid at least once (a pupil who turns once), whatever it did after.
  public private(set) var movedAsSolid = false

  init(options: LivenessOptions) { self.options = options }

  public mutating func observe(_ sample: CueSample) {
    guard let frame = sample.frame,
      let (earlier, moved, eyes) = pairs.pair(
        with: sample.points, frame: frame, at: sample.time, span: options.motionSpan, reach: options.motionReach,
        minMotion: options.minMotion),
      moved >= options.minMotion
    else { return }
    // The inner face: from the brows down to the chin, between the outer eye corners.
    let inner = earlier.points[17...]
    let xs = [earlier.points[36].x, earlier.points[45].x], ys = inner.map(\.y) + [earlier.points[8].y]
    let region = FaceBox(
      left: Int(xs.min()!), top: Int(ys.min()!), right: Int(xs.max()!.rounded(.up)), bottom: Int(ys.max()!.rounded(.up)))
    // Where the inner face went by its landmarks: the flow starts there (a walker crosses much of
    // its own width in a quarter of a second).
    var shift = (x: 0.0, y: 0.0)
    for (a, b) in zip(earlier.points[17...], sample.points[17...]) {
      shift.x += b.x - a.x
      shift.y += b.y - a.y
    }
    let count = Double(sample.points.count - 17)
    shift = (shift.x / count, shift.y / count)
    guard let residual = try? PlanarMotion.residual(from: earlier.frame, to: frame, region: region, shift: shift) else {
      return
    }
    movingPairs += 1
    residuals.append(residual / eyes)
    if residuals.count > 100 { residuals.removeFirst(residuals.count - 100) }
    medianResidual = median(residuals)
    if movingPairs >= options.minMovingPairs { lowest = min(lowest ?? .infinity, medianResidual) }
    if residuals.count >= options.solidPairs, median(Array(residuals.suffix(options.solidPairs))) > options.solidResidual {
      movedAsSolid = true
    }
    if residual / eyes < options.planarResidual { planarPairs += 1 }
  }

  /// Live once the head moved as a solid; never an attack (see `isFlat`).
  public func vote(at time: Double) -> Bool? { movedAsSolid ? true : nil }

  /// Whether the motion so far is flat: the median residual of the recent moving pairs, over at least
  /// `minMovingPairs`, is under the flat line, as a picture's. No live face of ../shared comes there;
  /// live phone selfies elsewhere were measured under 0.8% (the line is 0.55%), so it is doubt, not a
  /// verdict: it holds back every live vote but the motion cue's own (`isPending`).
  public var isFlat: Bool { movingPairs >= options.minMovingPairs && medianResidual < options.planarResidual }

  /// While the motion is flat and the head has not moved as a solid: a photo whose landmarks jitter
  /// into a blink-like dip is not marked by it, and a live face that turns once is.
  public var isPending: Bool { !movedAsSolid && isFlat }

  public func addFigures(to figures: inout [String: Double]) {
    figures["moving_pairs"] = Double(movingPairs)
    figures["planar_pairs"] = Double(planarPairs)
    if !residuals.isEmpty { figures["planar_residual"] = rounded(medianResidual, 4) }
    if let lowest { figures["planar_residual_low"] = rounded(lowest, 4) }
  }
}
