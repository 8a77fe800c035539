import AttendanceKit
import FaceKit
import Foundation

/// The blink cue: the eye aspect ratio from the 68 landmarks, with hysteresis and time limits in
/// seconds (so the frame rate does not matter). A closure of 40-600 ms within the window votes live.
/// It is measured even when not voting: the challenge counts its blinks.
public struct BlinkCue: TrackCue {
  public static let cue = LivenessCue.blink
  let options: LivenessOptions
  /// The open-eye ratio of this face: a slowly following high percentile of what was seen.
  public private(set) var baseline: Double?
  /// The robust standard deviation of the recent eye aspect ratios.
  public private(set) var noise = 0.0
  public private(set) var blinks: [Double] = []
  private var closedSince: Double?
  private var recentRatios: [Double] = []
  /// Per eye (left, right): the recent ratios and when the eye closed, so that a wink counts.
  private var eyeRatios: [[Double]] = [[], []]
  private var eyeClosedSince: [Double?] = [nil, nil]

  init(options: LivenessOptions) { self.options = options }

  public mutating func observe(_ sample: CueSample) {
    let (points, time) = (sample.points, sample.time)
    guard let ratio = EyeOpenness.aspectRatio(points) else { return }
    // Each eye on its own as well as both together: a wink, or one eye hidden by glare or hair, is a
    // blink too. Each series has its own open value and noise, so jitter on one eye is no blink.
    var blinked = false
    if let (left, right) = EyeOpenness.aspectRatios(points) {
      for (k, eye) in [left, right].enumerated() {
        var series = eyeRatios[k], since = eyeClosedSince[k]
        // One eye alone must close further (under half its open value): a photo's landmarks make one
        // eye's ratio dip by 20-30% with no eyelid (the demo's photo held in a hand did).
        if Self.closure(&series, &since, ratio: eye, at: time, options: options, closeFraction: options.eyeCloseFraction).blink {
          blinked = true
        }
        eyeRatios[k] = series
        eyeClosedSince[k] = since
      }
    }
    // Both eyes together: the ratio's own noise (a robust standard deviation) keeps a small or
    // blurred face, or a photo whose landmarks jitter (dips of 20-30% with no eyelid), from
    // blinking: a closure must stand `noiseMargin` deviations below the median.
    let both = Self.closure(&recentRatios, &closedSince, ratio: ratio, at: time, options: options)
    baseline = both.open
    noise = both.noise
    // One closure seen by several series (both eyes, and each eye) is one blink.
    if blinked || both.blink, blinks.last.map({ time - $0 > options.maxClosure }) ?? true { blinks.append(time) }
  }

  /// A closure of one eye series (both eyes' mean, the left or the right eye): under `closeFraction`
  /// of its open value and `noiseMargin` robust deviations under its median, for 40-600 ms.
  private static func closure(
    _ ratios: inout [Double], _ closedSince: inout Double?, ratio: Double, at time: Double, options: LivenessOptions,
    closeFraction: Double? = nil
  ) -> (blink: Bool, open: Double, noise: Double) {
    ratios.append(ratio)
    if ratios.count > 60 { ratios.removeFirst(ratios.count - 60) }
    let sorted = ratios.sorted()
    let open = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.8))]
    let median = sorted[sorted.count / 2]
    let deviations = sorted.map { abs($0 - median) }.sorted()
    let noise = 1.4826 * deviations[deviations.count / 2]
    var blink = false
    if ratios.count >= 10 {
      if let since = closedSince {
        if ratio > open * options.reopenFraction {
          let length = time - since
          blink = length >= options.minClosure && length <= options.maxClosure
          closedSince = nil
        }
      } else if ratio < min(open * (closeFraction ?? options.closeFraction), median - options.noiseMargin * noise) {
        closedSince = time
      }
    }
    return (blink, open, noise)
  }

  public func vote(at time: Double) -> Bool? {
    blinks.contains(where: { time - $0 <= options.window }) ? true : nil
  }

  public func addFigures(to figures: inout [String: Double]) {
    figures["blinks"] = Double(blinks.count)
    if let baseline { figures["ear_open"] = rounded(baseline, 3) }
    if !recentRatios.isEmpty { figures["ear_noise"] = rounded(noise, 3) }
    if let last = recentRatios.last { figures["ear"] = rounded(last, 3) }
  }
}
