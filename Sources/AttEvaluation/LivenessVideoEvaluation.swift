import AttFrames
import AttRecognition
import AttendanceKit
import FaceKit
import FaceVideo
import Foundation

/// Runs the cues over labelled videos the way att-take does (att-take's first stage: RetinaFace,
/// searched and followed on its schedule; the 68 landmarks of every face of at least the liveness
/// minimum, every frame; the texture model every 0.2 s) and scores each
/// cue alone and their fusion with ISO/IEC 30107-3's measures: APCER per attack type (the share of
/// attack videos in which any track was ever judged live: att-take would mark it if recognised)
/// and BPCER (the share of live tracks of at least `minLiveSeconds` that were not judged live
/// within `liveWithin` seconds of their first frame, and of those, never). The texture cue alone
/// accepts a face once it has scored `textureSamples` crops without voting attack. Used by one thread at a
/// time (its detector is not shared); to use two cores, make two.
public struct LivenessVideoEvaluation: @unchecked Sendable {
  /// A cue setting scored: the cues whose votes are fused.
  public struct Setting: Sendable {
    public let name: String
    public let cues: Set<LivenessCue>
    /// Cues that never say live (screen, device, context, texture) scored without one that does:
    /// such a setting refuses or lets pass, at any time in the video.
    public var attackOnly: Bool { cues.isSubset(of: LivenessCue.attackOnly) }
  }

  /// Each cue alone, blink+motion, the defaults with the context cue (and the screen cue), all,
  /// then att-take's defaults (`base.cues`).
  public let settings: [Setting]
  public var minLiveSeconds = 0.9
  public var liveWithin = 3.0
  /// Every cue is measured once per track; each setting fuses its own cues' votes.
  private let measured: LivenessOptions
  /// The options every cue is measured with (the lines in the report).
  public var options: LivenessOptions { measured }
  private let models: ModelSet
  private let landmarks: LandmarkPredictor
  /// The device cue's detector.
  private let objects: ObjectDetector

  public init(models: ModelSet, base: LivenessOptions) throws {
    var measured = base
    measured.cues = Set(LivenessCue.allCases.filter { $0 != .texture || base.textureModel != nil })
    self.measured = measured
    self.models = models
    landmarks = try LandmarkPredictor(modelPath: try models.path(of: .landmarks68))
    objects = try ObjectDetector(models: models)
    var settings = measured.cues.sorted().map { Setting(name: $0.rawValue, cues: [$0]) }
    // The defaults before the screen cue, to compare with.
    if base.cues != [.blink, .motion] { settings.append(Setting(name: "blink+motion", cues: [.blink, .motion])) }
    // The candidates: the defaults with each cue that looks at the device, and with both.
    func add(_ cues: Set<LivenessCue>) {
      guard cues != base.cues, measured.cues.isSuperset(of: cues), !settings.contains(where: { $0.cues == cues }) else { return }
      settings.append(Setting(name: cues.sorted().map(\.rawValue).joined(separator: "+"), cues: cues))
    }
    for extra: Set<LivenessCue> in [[.screen], [.device], [.context], [.screen, .context]] { add(base.cues.union(extra)) }
    // The defaults without each cue that looks at the device.
    for dropped: LivenessCue in [.screen, .device] where base.cues.contains(dropped) { add(base.cues.subtracting([dropped])) }
    if measured.cues.count == LivenessCue.allCases.count, base.cues != measured.cues {
      settings.append(Setting(name: "all", cues: measured.cues))
    }
    settings.append(Setting(name: "default (\(base.cues.sorted().map(\.rawValue).joined(separator: "+")))", cues: base.cues))
    self.settings = settings
  }

  /// One track of a video: its cues' figures, and what each setting made of it.
  public struct TrackOutcome: Sendable, Codable {
    public struct Verdict: Sendable, Codable {
      /// Seconds from the track's first frame to its first live verdict; nil: never live.
      public let liveAfter: Double?
      public let spoof: Bool
      /// Seconds from the track's first frame to its attack vote, and the cues that voted.
      public var spoofAfter: Double? = nil
      public var reason: String? = nil

      enum CodingKeys: String, CodingKey {
        case spoof, reason
        case liveAfter = "live_after"
        case spoofAfter = "spoof_after"
      }
    }
    public let track: Int
    public let seconds: Double
    public let figures: [String: Double]
    /// Per setting name.
    public let verdicts: [String: Verdict]
  }

  /// One video under every setting.
  public struct VideoOutcome: Sendable, Codable {
    public let presentation: LivenessPresentation
    public let frames: Int
    public let tracks: [TrackOutcome]
  }

  public func run(_ presentation: LivenessPresentation) throws -> VideoOutcome {
    var pipeline = FramePipeline(source: try FrameSource(presentation.path), options: TakeOptions(deviceID: "eval"))
    pipeline.threads = 1
    var states:
      [Int: (first: Double, last: Double, liveness: TrackLiveness, liveAt: [Double?], spoof: [Bool], why: [(Double, String)?])] =
        [:]
    var frames = 0
    _ = try pipeline.run(models: models, stop: StopSignal()) { frame in
      frames += 1
      let time = frame.time
      // As att-take: faces under the liveness minimum are not judged (their tracks wait).
      for (face, id) in zip(frame.faces, frame.tracks) where face.box.width >= measured.minFace {
        let image = frame.image
        var state =
          states[id]
          ?? (
            time, time, TrackLiveness(options: measured), settings.map { _ in nil }, settings.map { _ in false },
            settings.map { _ in nil }
          )
        state.last = time
        try state.liveness.observe(try landmarks.landmarks(of: face, in: image).points, box: face.box, in: image, at: time)
        if state.liveness.deviceLookDue(at: time) {
          try state.liveness.look(with: objects, around: face.box, in: image, at: time)
        }
        let votes = state.liveness.cueVotes(at: time), pending = state.liveness.pendingCues
        for (k, setting) in settings.enumerated() {
          let own = votes.filter { setting.cues.contains($0.key) }
          let verdict = TrackLiveness.fuse(own, pending: pending.intersection(setting.cues))
          // As att-take: an attack vote is kept for the track's life (a later live vote does not count).
          // Cues that only vote attack, scored alone, never say live: what counts is whether they
          // ever voted against the face.
          switch verdict {
          case .live: if state.liveAt[k] == nil && !state.spoof[k] && !setting.attackOnly { state.liveAt[k] = time - state.first }
          case .spoof:
            if state.liveAt[k] == nil && !state.spoof[k] {
              state.spoof[k] = true
              state.why[k] = (time - state.first, LivenessFusion.describe(own) ?? "attack")
            }
          default: break
          }
        }
        states[id] = state
      }
    }
    let index = frames
    let tracks = states.keys.sorted().map { id in
      let s = states[id]!
      return TrackOutcome(
        track: id, seconds: s.last - s.first, figures: s.liveness.figures,
        verdicts: Dictionary(
          uniqueKeysWithValues: settings.indices.map {
            (
              settings[$0].name,
              TrackOutcome.Verdict(liveAfter: s.liveAt[$0], spoof: s.spoof[$0], spoofAfter: s.why[$0]?.0, reason: s.why[$0]?.1)
            )
          }))
    }
    return VideoOutcome(presentation: presentation, frames: index, tracks: tracks)
  }
}
