import AttendanceKit
import FaceKit
import Foundation

/// The screen cue: the look of a display on the face itself, its pixel grid aliasing with the
/// camera's into a moire (`ScreenLook`), measured every `screenInterval` seconds. Votes attack only.
public struct ScreenCue: TrackCue {
  public static let cue = LivenessCue.screen
  let options: LivenessOptions
  /// The screen look of the face crops scored so far (the recent 50).
  public private(set) var looks: [ScreenLook] = []
  private var last: Double?
  /// Crops the cue tried, including those too small to judge.
  private var attempts = 0
  /// The highest median the cue has voted on so far (the figure its attack line must stay above
  /// for every live face).
  public private(set) var peak: Double?
  /// Crops after which the running median stood above every live face measured but not over the
  /// line (`LivenessOptions.screenHold`).
  public private(set) var heldLooks = 0

  init(options: LivenessOptions) { self.options = options }

  public mutating func observe(_ sample: CueSample) throws(FaceKitError) {
    guard let frame = sample.frame, let box = sample.box, last.map({ sample.time - $0 >= options.screenInterval }) ?? true
    else { return }
    last = sample.time
    tried(try ScreenLook.of(frame, box: box))
  }

  /// One crop tried: its look, or nil when it was too small to judge.
  mutating func tried(_ look: ScreenLook?) {
    attempts += 1
    if let look {
      looks.append(look)
      if looks.count > 50 { looks.removeFirst(looks.count - 50) }
      if looks.count >= options.textureSamples { runningMoire = median(looks.map(\.moire)) }
      if let moire = runningMoire {
        peak = max(peak ?? 0, moire)
        if inGreyZone(moire) { heldLooks += 1 }
      }
    }
  }

  /// The median moire of the recent crops, once there are enough to vote on: kept as each crop is
  /// scored, since the vote and the hold read it on every frame.
  private var runningMoire: Double?

  /// Above every live face measured, short of the line.
  private func inGreyZone(_ moire: Double) -> Bool { moire > options.screenHoldFrom && moire <= options.screenMoire }

  public func vote(at time: Double) -> Bool? {
    runningMoire.map { $0 > options.screenMoire } == true ? false : nil
  }

  /// Until it has looked at `textureSamples` crops; and while its median stands where no live face
  /// measured came, short of the line, for at most `screenHold` crops in the track's life: a replay
  /// whose moire is still climbing is not marked by its motion before the vote (a live face there
  /// is delayed, never refused).
  public var isPending: Bool {
    attempts < options.textureSamples || (runningMoire.map(inGreyZone) == true && heldLooks <= options.screenHold)
  }

  public func addFigures(to figures: inout [String: Double]) {
    guard !looks.isEmpty else { return }
    figures["screen_moire"] = rounded(median(looks.map(\.moire)), 2)
    figures["black_lift"] = median(looks.map(\.blackLift))
    if let peak { figures["screen_moire_peak"] = rounded(peak, 2) }
    figures["screen_held"] = Double(heldLooks)
  }
}
