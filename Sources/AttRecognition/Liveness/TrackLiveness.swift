import AttendanceKit
import FaceKit
import Foundation

/// One track's liveness: the cues in use (each a `TrackCue` of its own), fed the track's frames, and
/// their votes fused by `LivenessFusion`. The first attack vote is kept for the life of the track.
public struct TrackLiveness: Sendable {
  public let options: LivenessOptions
  /// Always measured: the challenge counts its blinks even when the blink cue does not vote.
  public private(set) var blink: BlinkCue
  public private(set) var motion: MotionCue?
  public private(set) var context: ContextCue?
  public private(set) var screen: ScreenCue?
  public private(set) var texture: TextureCue?
  public private(set) var device: DeviceCue?
  /// The first attack vote of this track and its reason. It is kept for the life of the track: the
  /// verdict never turns live after it, so a replay cannot win by lasting longer than the evidence
  /// against it (a screen voted by its moire at 1.3 s that later shows solid motion stays an attack).
  public private(set) var attack: (time: Double, reason: String)?

  public init(options: LivenessOptions) {
    self.options = options
    blink = BlinkCue(options: options)
    if options.uses(.motion) { motion = MotionCue(options: options) }
    if options.uses(.context) { context = ContextCue(options: options) }
    if options.enabled, options.uses(.screen) { screen = ScreenCue(options: options) }
    if options.enabled, options.uses(.texture), let model = options.textureModel {
      texture = TextureCue(options: options, model: model)
    }
    if options.enabled, options.uses(.device) { device = DeviceCue(options: options) }
  }

  /// The blinks seen on this track (seconds).
  public var blinks: [Double] { blink.blinks }

  /// Feeds one frame of this track's 68 landmarks without its pixels: only the blink cue sees it.
  public mutating func observe(_ points: [Point], at time: Double) {
    blink.observe(CueSample(points: points, box: nil, frame: nil, time: time))
    remember(at: time)
  }

  /// Feeds one frame of this track: its 68 landmarks, the face's box and the frame.
  public mutating func observe(_ points: [Point], box: FaceBox, in frame: Image, at time: Double) throws(FaceKitError) {
    let sample = CueSample(points: points, box: box, frame: frame, time: time)
    blink.observe(sample)
    motion?.observe(sample)
    context?.observe(sample)
    try screen?.observe(sample)
    try texture?.observe(sample)
    remember(at: time)
  }

  /// Feeds the texture model's P(live) for this track's face crop at `time`.
  public mutating func observeTexture(_ liveProbability: Double, at time: Double) {
    texture?.observe(liveProbability, at: time)
    remember(at: time)
  }

  /// Whether the device cue wants the detector to look around this track's face at `time`.
  public func deviceLookDue(at time: Double) -> Bool { device?.due(at: time) ?? false }

  /// The device cue's look: `detector` sees the face's surroundings (`DeviceCue.region`); returns
  /// what it found (in frame pixels).
  @discardableResult
  public mutating func look(with detector: ObjectDetector, around face: FaceBox, in frame: Image, at time: Double)
    throws(FaceKitError) -> [ObjectDetector.Object]
  {
    let region = DeviceCue.region(around: face, width: frame.width, height: frame.height)
    let found = try detector.detect(in: frame, region: region, side: options.deviceSide)
    let sides = try frame.frameSides(around: face, region: region)
    device?.observe(objects: found, sides: sides, face: face, at: time)
    remember(at: time)
    return found
  }

  /// Keeps the track's first attack vote (see `attack`).
  private mutating func remember(at time: Double) {
    guard attack == nil, options.enabled else { return }
    let votes = cueVotes(at: time)
    if votes.values.contains(false) { attack = (time, LivenessFusion.describe(votes) ?? "attack") }
  }

  /// The cues in use, as their protocol.
  private var cues: [any TrackCue] {
    let all: [(any TrackCue)?] = [options.uses(.blink) ? blink : nil, motion, context, screen, texture, device]
    return all.compactMap { $0 }
  }

  /// What each cue in use says at `time`: `true` live, `false` attack, nil nothing yet.
  public func cueVotes(at time: Double) -> [LivenessCue: Bool] {
    var votes: [LivenessCue: Bool] = [:]
    for cue in cues { votes[type(of: cue).cue] = cue.vote(at: time) }
    return votes
  }

  /// The cues in use that judge face crops (texture, screen) and have not yet looked at
  /// `textureSamples` of them: until they have, no live verdict (motion alone judged replays live at
  /// 0.73 s, before the screen cue's fifth crop).
  public var pendingCues: Set<LivenessCue> {
    Set(cues.filter(\.isPending).map { type(of: $0).cue })
  }

  /// The verdict at `time`: off, an attack once any cue voted attack, else the fusion of the votes.
  public func verdict(at time: Double) -> LivenessVerdict {
    guard options.enabled else { return .off }
    if attack != nil { return .spoof }
    return LivenessFusion.fuse(cueVotes(at: time), pending: pendingCues)
  }

  /// The fusion rule (`LivenessFusion.fuse`).
  public static func fuse(_ votes: [LivenessCue: Bool], pending: Set<LivenessCue> = []) -> LivenessVerdict {
    LivenessFusion.fuse(votes, pending: pending)
  }

  /// Why the verdict is what it is, for people: the cues that voted, e.g. "blink", "flat motion, texture".
  public func reason(at time: Double) -> String? {
    if let attack { return attack.reason }
    return LivenessFusion.describe(cueVotes(at: time))
  }

  /// Why a track that is neither live nor an attack is waiting, for people: the doubt that holds a
  /// live vote back, else what it waits for.
  public func waitingReason(at time: Double) -> String {
    let pending = pendingCues
    if pending.contains(.motion) {
      return "its motion is flat, as a picture's: a blink does not count until the head moves as a solid"
    }
    guard cueVotes(at: time).values.contains(true) else {
      // Only the signs of the cues in use ("no blink seen" with --liveness-cues blink).
      let signs = [options.uses(.blink) ? "blink" : nil, options.uses(.motion) ? "head movement" : nil].compactMap { $0 }
      return "no \(signs.joined(separator: " or ")) seen on this track yet"
    }
    if pending.contains(.device) { return "live-looking; still looking for a phone or screen around the face" }
    return "live-looking; still looking at the face's crops for a screen or print"
  }

  /// The figures behind the verdict, for the JSON lines and the attendance record.
  public var figures: [String: Double] {
    var figures: [String: Double] = ["moving_pairs": 0, "planar_pairs": 0]
    blink.addFigures(to: &figures)
    for cue in [motion, context, screen, texture, device] as [(any TrackCue)?] { cue?.addFigures(to: &figures) }
    return figures
  }
}
