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

  init(options: LivenessOptions) { self.options = options }

  public mutating func observe(_ sample: CueSample) throws(FaceKitError) {
    guard let frame = sample.frame, let box = sample.box, last.map({ sample.time - $0 >= options.screenInterval }) ?? true
    else { return }
    last = sample.time
    attempts += 1
    if let look = try ScreenLook.of(frame, box: box) {
      looks.append(look)
      if looks.count > 50 { looks.removeFirst(looks.count - 50) }
      if looks.count >= options.textureSamples { peak = max(peak ?? 0, median(looks.map(\.moire))) }
    }
  }

  public func vote(at time: Double) -> Bool? {
    looks.count >= options.textureSamples && median(looks.map(\.moire)) > options.screenMoire ? false : nil
  }

  public var isPending: Bool { attempts < options.textureSamples }

  public func addFigures(to figures: inout [String: Double]) {
    guard !looks.isEmpty else { return }
    figures["screen_moire"] = rounded(median(looks.map(\.moire)), 2)
    figures["black_lift"] = median(looks.map(\.blackLift))
    if let peak { figures["screen_moire_peak"] = rounded(peak, 2) }
  }
}
