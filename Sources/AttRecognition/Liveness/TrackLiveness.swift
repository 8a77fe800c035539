import AttendanceKit
import FaceKit
import Foundation

/// The per-track liveness state: a blink detector on the eye aspect ratio with hysteresis and time
/// limits in seconds (so the frame rate does not matter), the motion cue on the face's tracked
/// texture, and the texture model's scores; `verdict` fuses the cues in use.
public struct TrackLiveness: Sendable {
  public let options: LivenessOptions
  /// The open-eye ratio of this face: a slowly following high percentile of what was seen.
  public private(set) var baseline: Double?
  /// The robust standard deviation of the recent eye aspect ratios.
  public private(set) var noise = 0.0
  public private(set) var blinks: [Double] = []
  public private(set) var movingPairs = 0
  public private(set) var planarPairs = 0
  /// Context pairs: the surroundings moved with the face (held), stayed still (free), or the camera moved.
  public private(set) var heldPairs = 0
  public private(set) var freePairs = 0
  public private(set) var cameraPairs = 0
  private var lastContext: Double?
  /// Residuals (fraction of the eye distance) of the moving pairs, for the figures.
  private var residuals: [Double] = []
  private var closedSince: Double?
  private var recentRatios: [Double] = []
  private var history: [(points: [Point], frame: Image, time: Double)] = []
  /// P(live) of the face crops scored so far (the recent 50), and when the last was taken.
  public private(set) var textureScores: [Double] = []
  private var lastTexture: Double?
  /// The screen look of the face crops scored so far (the recent 50), and when the last was taken.
  public private(set) var screenLooks: [ScreenLook] = []
  private var lastScreen: Double?
  /// Crops the screen cue tried, including those too small to judge.
  private var screenAttempts = 0
  /// The first attack vote of this track and its reason. It is kept for the life of the track: the
  /// verdict never turns live after it, so a replay cannot win by lasting longer than the evidence
  /// against it (a screen judged flat at 1.3 s that later shows solid motion stays an attack).
  public private(set) var attack: (time: Double, reason: String)?
  /// Per eye (left, right): the recent ratios and when the eye closed, so that a wink counts.
  private var eyeRatios: [[Double]] = [[], []]
  private var eyeClosedSince: [Double?] = [nil, nil]

  public init(options: LivenessOptions) {
    self.options = options
  }

  /// Feeds one frame's 68 landmarks of this track at `time` (seconds), and the frame itself for
  /// the motion cue (without frames, or with the cue off, motion is not measured).
  public mutating func observe(_ points: [Point], at time: Double, frame: Image? = nil) {
    observeEyes(points, at: time, frame: frame)
    remember(at: time)
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

  private mutating func observeEyes(_ points: [Point], at time: Double, frame: Image?) {
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
    // Both eyes together, as before: the ratio's own noise (a robust standard deviation) keeps a
    // small or blurred face, or a photo whose landmarks jitter (dips of 20-30% with no eyelid), from
    // blinking: a closure must stand `noiseMargin` deviations below the median.
    let both = Self.closure(&recentRatios, &closedSince, ratio: ratio, at: time, options: options)
    baseline = both.open
    noise = both.noise
    // One closure seen by several series (both eyes, and each eye) is one blink.
    if blinked || both.blink, blinks.last.map({ time - $0 > options.maxClosure }) ?? true { blinks.append(time) }
    if let frame, options.uses(.motion) { observeMotion(points, at: time, frame: frame) }
  }

  /// Keeps the track's first attack vote (see `attack`).
  private mutating func remember(at time: Double) {
    guard attack == nil, options.enabled else { return }
    let votes = cueVotes(at: time)
    if votes.values.contains(false) { attack = (time, Self.describe(votes) ?? "attack") }
  }

  /// The motion cue: the face's texture (corners inside the brows-to-chin landmarks) tracked from
  /// the frame about `motionSpan` earlier, and fitted with one homography.
  private mutating func observeMotion(_ points: [Point], at time: Double, frame: Image) {
    defer {
      history.append((points, frame, time))
      history.removeAll { time - $0.time > 2 * options.motionSpan }
    }
    // The latest earlier frame at least motionSpan ago: the same time span at any frame rate.
    guard let earlier = history.last(where: { time - $0.time >= options.motionSpan }) else { return }
    let eyes = hypot(earlier.points[42].x - earlier.points[39].x, earlier.points[42].y - earlier.points[39].y)
    guard eyes > 0 else { return }
    var moved = 0.0
    for (a, b) in zip(earlier.points, points) { moved += hypot(a.x - b.x, a.y - b.y) }
    moved /= Double(points.count)
    guard moved / eyes >= options.minMotion else { return }
    // The inner face: from the brows down to the chin, between the outer eye corners.
    let inner = earlier.points[17...]
    let xs = [earlier.points[36].x, earlier.points[45].x], ys = inner.map(\.y) + [earlier.points[8].y]
    let region = FaceBox(
      left: Int(xs.min()!), top: Int(ys.min()!), right: Int(xs.max()!.rounded(.up)), bottom: Int(ys.max()!.rounded(.up)))
    if options.uses(.context), lastContext.map({ time - $0 >= 0.1 }) ?? true {
      lastContext = time
      observeContext(from: earlier, to: frame, points: points)
    }
    guard let residual = try? PlanarMotion.residual(from: earlier.frame, to: frame, region: region) else { return }
    movingPairs += 1
    residuals.append(residual / eyes)
    if residuals.count > 100 { residuals.removeFirst(residuals.count - 100) }  // the median of the recent 100 moving pairs
    if residual / eyes < options.planarResidual { planarPairs += 1 }
  }

  /// The context cue on one pair: the face's box from its landmarks in the earlier frame.
  private mutating func observeContext(
    from earlier: (points: [Point], frame: Image, time: Double), to frame: Image, points: [Point]
  ) {
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

  /// Feeds one frame of this track: its 68 landmarks and the frame (blink and motion), and every
  /// `textureInterval` seconds the texture model's score of the face in `box`.
  public mutating func observe(_ points: [Point], box: FaceBox, in frame: Image, at time: Double) throws(FaceKitError) {
    observe(points, at: time, frame: frame)
    if wantsTexture(at: time), let model = options.textureModel {
      observeTexture(Double(model.liveProbability(try TextureFeatures.of(frame, box: box))), at: time)
    }
    if options.enabled, options.uses(.screen), lastScreen.map({ time - $0 >= options.screenInterval }) ?? true {
      lastScreen = time
      screenAttempts += 1
      if let look = try ScreenLook.of(frame, box: box) {
        screenLooks.append(look)
        if screenLooks.count > 50 { screenLooks.removeFirst(screenLooks.count - 50) }
        remember(at: time)
      }
    }
  }

  /// Whether the texture cue wants a crop scored at `time` (every `textureInterval` seconds).
  private func wantsTexture(at time: Double) -> Bool {
    guard options.enabled, options.uses(.texture) else { return false }
    guard let last = lastTexture else { return true }
    return time - last >= options.textureInterval
  }

  /// Feeds the texture model's P(live) for this track's face crop at `time`.
  public mutating func observeTexture(_ liveProbability: Double, at time: Double) {
    lastTexture = time
    textureScores.append(liveProbability)
    if textureScores.count > 50 { textureScores.removeFirst(textureScores.count - 50) }
    remember(at: time)
  }

  /// What each cue in use says at `time`: `true` live, `false` attack, nil nothing yet.
  public func cueVotes(at time: Double) -> [LivenessCue: Bool] {
    var votes: [LivenessCue: Bool] = [:]
    if options.uses(.blink), blinks.contains(where: { time - $0 <= options.window }) { votes[.blink] = true }
    if options.uses(.motion), movingPairs >= options.minMovingPairs {
      if medianResidual < options.planarResidual {
        votes[.motion] = false
      } else if medianResidual > options.solidResidual {
        votes[.motion] = true
      }
    }
    if options.uses(.context), heldPairs >= options.contextPairs,
      Double(heldPairs) >= options.contextShare * Double(heldPairs + freePairs)
    {
      votes[.context] = false
    }
    if options.uses(.screen), screenLooks.count >= options.textureSamples, medianMoire > options.screenMoire {
      votes[.screen] = false
    }
    if options.uses(.texture), let model = options.textureModel, textureScores.count >= options.textureSamples,
      medianTexture < Double(model.threshold)
    {
      votes[.texture] = false
    }
    return votes
  }

  /// The cues in use that judge face crops (texture, screen) and have not yet looked at
  /// `textureSamples` of them: until they have, no live verdict (an attack vote is final, so a live
  /// one must not come before the cues that could vote attack have had their say; motion alone
  /// judged replays live at 0.73 s, before the screen cue's fifth crop).
  public var pendingCues: Set<LivenessCue> {
    var pending: Set<LivenessCue> = []
    if options.uses(.texture), textureScores.count < options.textureSamples { pending.insert(.texture) }
    if options.uses(.screen), screenAttempts < options.textureSamples { pending.insert(.screen) }
    return pending
  }

  /// The verdict at `time`, fusing the cues in use: attack when any says attack, live when a live
  /// cue fired, none says attack and none is pending, else waiting.
  public func verdict(at time: Double) -> LivenessVerdict {
    guard options.enabled else { return .off }
    if attack != nil { return .spoof }
    return Self.fuse(cueVotes(at: time), pending: pendingCues)
  }

  /// The fusion rule: any attack vote makes an attack (a live cue cannot outvote it: a replayed
  /// video blinks); otherwise any live vote makes a person, once no cue is `pending`; no vote, waiting.
  public static func fuse(_ votes: [LivenessCue: Bool], pending: Set<LivenessCue> = []) -> LivenessVerdict {
    if votes.values.contains(false) { return .spoof }
    return votes.values.contains(true) && pending.isEmpty ? .live : .waiting
  }

  /// Why the verdict is what it is, for people: the cues that voted, e.g. "blink", "flat motion, texture".
  public func reason(at time: Double) -> String? {
    if let attack { return attack.reason }
    return Self.describe(cueVotes(at: time))
  }

  private static func describe(_ votes: [LivenessCue: Bool]) -> String? {
    let attack = votes.filter { !$0.value }.keys.sorted()
    let live = votes.filter { $0.value }.keys.sorted()
    func name(_ cue: LivenessCue, _ live: Bool) -> String {
      switch cue {
      case .blink: "blink"
      case .motion: live ? "solid head motion" : "flat motion"
      case .texture: "print/screen texture"
      case .context: "a frame around the face that moves with it"
      case .screen: "a screen's moire"
      }
    }
    if !attack.isEmpty { return attack.map { name($0, false) }.joined(separator: ", ") }
    if !live.isEmpty { return live.map { name($0, true) }.joined(separator: ", ") }
    return nil
  }

  private var medianResidual: Double {
    residuals.isEmpty ? .infinity : residuals.sorted()[residuals.count / 2]
  }

  private var medianMoire: Double {
    screenLooks.isEmpty ? .nan : screenLooks.map(\.moire).sorted()[screenLooks.count / 2]
  }

  private var medianBlackLift: Double {
    screenLooks.isEmpty ? .nan : screenLooks.map(\.blackLift).sorted()[screenLooks.count / 2]
  }

  private var medianTexture: Double {
    textureScores.isEmpty ? .nan : textureScores.sorted()[textureScores.count / 2]
  }

  /// The figures behind the verdict, for the JSON lines and the attendance record.
  public var figures: [String: Double] {
    var figures: [String: Double] = [
      "blinks": Double(blinks.count), "moving_pairs": Double(movingPairs), "planar_pairs": Double(planarPairs),
    ]
    if options.uses(.context) {
      figures["context_held"] = Double(heldPairs)
      figures["context_free"] = Double(freePairs)
      figures["context_camera"] = Double(cameraPairs)
    }
    if !screenLooks.isEmpty {
      figures["screen_moire"] = (medianMoire * 100).rounded() / 100
      figures["black_lift"] = medianBlackLift
    }
    if let baseline { figures["ear_open"] = (baseline * 1000).rounded() / 1000 }
    if !recentRatios.isEmpty { figures["ear_noise"] = (noise * 1000).rounded() / 1000 }
    if let last = recentRatios.last { figures["ear"] = (last * 1000).rounded() / 1000 }
    if !residuals.isEmpty {
      figures["planar_residual"] = (medianResidual * 10000).rounded() / 10000
    }
    if !textureScores.isEmpty {
      figures["texture"] = (medianTexture * 1000).rounded() / 1000
      figures["texture_samples"] = Double(textureScores.count)
    }
    return figures
  }
}
