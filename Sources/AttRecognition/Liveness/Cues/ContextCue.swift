import AttendanceKit
import FaceKit
import Foundation

/// The context cue: what surrounds the face. A held phone, tablet or sheet shows its frame beside
/// and above the face, moving with it as one plane while the scene stays still. Votes attack only,
/// and only when the camera itself is still. Judged on the pairs where the face moved (as the motion
/// cue's), at most ten a second.
public struct ContextCue: TrackCue {
  public static let cue = LivenessCue.context
  let options: LivenessOptions
  private var pairs = FramePairs()
  private var last: Double?
  /// Pairs where the surroundings moved with the face (held), stayed still (free), or the camera moved.
  public private(set) var heldPairs = 0
  public private(set) var freePairs = 0
  public private(set) var cameraPairs = 0

  init(options: LivenessOptions) { self.options = options }

  public mutating func observe(_ sample: CueSample) {
    guard let frame = sample.frame,
      let (earlier, moved, _) = pairs.pair(with: sample.points, frame: frame, at: sample.time, span: options.motionSpan),
      moved >= options.minMotion, last.map({ sample.time - $0 >= 0.1 }) ?? true
    else { return }
    last = sample.time
    // The face's box from its landmarks in the earlier frame.
    let xs = earlier.points.map(\.x), ys = earlier.points.map(\.y)
    let box = FaceBox(
      left: Int(xs.min()!), top: Int(ys.min()!), right: Int(xs.max()!.rounded(.up)), bottom: Int(ys.max()!.rounded(.up)))
    guard let context = try? ContextMotion.measure(from: earlier.frame, to: frame, face: box),
      context.faceShift >= options.contextShift, context.ringPoints + context.scenePoints >= 8
    else { return }
    let sceneMoves = context.scenePoints >= 10 && context.sceneMoving > options.contextSceneMoving
    if sceneMoves && !options.contextFixedCamera {
      cameraPairs += 1
    } else if sceneMoves {
      // A mounted camera sees its whole view move with the face: a device held close covers it.
      if context.viewCoherent >= options.contextHeld { heldPairs += 1 } else { cameraPairs += 1 }
    } else if context.ringPoints < 8 {
      return  // nothing beside or above the face to judge by
    } else if context.ringCoherent >= options.contextHeld {
      heldPairs += 1
    } else if context.ringMoving <= options.contextFree {
      freePairs += 1
    }
  }

  public func vote(at time: Double) -> Bool? {
    heldPairs >= options.contextPairs && Double(heldPairs) >= options.contextShare * Double(heldPairs + freePairs) ? false : nil
  }

  public func addFigures(to figures: inout [String: Double]) {
    figures["context_held"] = Double(heldPairs)
    figures["context_free"] = Double(freePairs)
    figures["context_camera"] = Double(cameraPairs)
  }
}
