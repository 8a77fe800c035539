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

  /// What `setting` made of one recording (`att-liveness eval-video --real`, a line of text or of
  /// JSON): for live faces, the tracks judged live within `liveWithin` seconds and when; for an
  /// attack, whether any track was judged live (accepted); any attack vote with its cues; the
  /// figures the attack lines must stay clear of.
  public struct RecordingResult: Sendable, Encodable {
    public struct Vote: Sendable, Encodable {
      public let track: Int
      public let after: Double
      public let reason: String
    }
    public let recording: String
    /// "live", or the attack type ("print", "screen replay").
    public let label: String
    public let frames: Int
    /// No face tracked long and large enough to judge: in no figure.
    public let untracked: Bool
    /// The tracks counted (live: those of `minLiveSeconds` and more).
    public let tracks: Int
    /// Live: how many were judged live within `liveWithin`, and each live track's time to it.
    public var liveInTime: Int?
    public var liveAfter: [Double]?
    /// An attack: whether a track was judged live, and after how long.
    public var accepted: Bool?
    public var acceptedTrack: Int?
    public var acceptedAfter: Double?
    public var attackVotes: [Vote] = []
    public var moirePeak: Double?
    public var flattestMotion: Double?

    enum CodingKeys: String, CodingKey {
      case recording, label, frames, untracked, tracks, accepted
      case liveInTime = "live_in_time"
      case liveAfter = "live_after"
      case acceptedTrack = "accepted_track"
      case acceptedAfter = "accepted_after"
      case attackVotes = "attack_votes"
      case moirePeak = "moire_peak"
      case flattestMotion = "flattest_motion"
    }
  }

  public func result(_ outcome: VideoOutcome, setting: String) -> RecordingResult {
    let live = outcome.presentation.kind == .live
    let tracks = outcome.tracks.filter { $0.seconds >= minLiveSeconds || !live }
    func verdict(_ t: TrackOutcome) -> TrackOutcome.Verdict? { t.verdicts[setting] }
    var result = RecordingResult(
      recording: outcome.presentation.name, label: outcome.presentation.attackType, frames: outcome.frames,
      untracked: tracks.isEmpty, tracks: tracks.count)
    guard !tracks.isEmpty else { return result }
    result.attackVotes = tracks.compactMap { t in
      verdict(t).flatMap { v in v.spoofAfter.map { RecordingResult.Vote(track: t.track, after: $0, reason: v.reason ?? "attack") }
      }
    }
    if live {
      let after = tracks.compactMap { verdict($0)?.liveAfter }.sorted()
      result.liveAfter = after
      result.liveInTime = after.filter { $0 <= liveWithin }.count
      result.moirePeak = tracks.compactMap { $0.figures["screen_moire_peak"] }.max()
      result.flattestMotion = tracks.compactMap { $0.figures["planar_residual_low"] }.min()
    } else {
      let accepted = tracks.first { verdict($0)?.liveAfter != nil }
      result.accepted = accepted != nil
      result.acceptedTrack = accepted?.track
      result.acceptedAfter = accepted.flatMap { verdict($0)?.liveAfter }
    }
    return result
  }

  /// `result` in a line for people.
  public func clipLine(_ outcome: VideoOutcome, setting: String) -> String {
    let r = result(outcome, setting: setting)
    func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }
    var line = "\(r.label): \(r.recording), \(r.frames) frames: "
    if r.untracked {
      return line + "no face tracked for \(minLiveSeconds) s or more at 48 px or more: left out of the figures"
    }
    let votes = r.attackVotes.map { "track \($0.track) attack after \(seconds($0.after)) (\($0.reason))" }
    if let inTime = r.liveInTime, let after = r.liveAfter {
      line += "\(inTime) of \(r.tracks) tracks live within \(Int(liveWithin)) s"
      if !after.isEmpty { line += " (after \(after.map(seconds).joined(separator: ", ")))" }
      if let peak = r.moirePeak { line += String(format: "; moire peak %.1f (screen line %.1f)", peak, measured.screenMoire) }
      if let low = r.flattestMotion {
        line += String(
          format: "; flattest motion %.2f%% of the eye distance (flat line %.2f%%)", 100 * low, 100 * measured.planarResidual)
      }
    } else if r.accepted == true, let track = r.acceptedTrack, let after = r.acceptedAfter {
      line += "ACCEPTED (track \(track) live after \(seconds(after)))"
    } else {
      line += votes.isEmpty ? "refused (never judged live)" : "refused"
    }
    if !votes.isEmpty { line += "; " + votes.joined(separator: "; ") }
    return line
  }

  /// The spread over the live tracks (of at least `minLiveSeconds`) of the figures that an attack
  /// vote compares with its line: the highest running median moire (the screen cue) and the lowest
  /// running median residual (the motion cue), for people.
  public func liveSpread(_ outcomes: [VideoOutcome]) -> String {
    func spread(_ name: String, _ title: String, _ f: (Double) -> String, line: String) -> String {
      let values = liveFigures(name, outcomes).sorted()
      guard let first = values.first, let last = values.last else { return "\(title) (\(name)): no live track measured" }
      return
        "\(title) (\(name)) over \(values.count) live tracks: min \(f(first)), median \(f(values[values.count / 2])), max \(f(last)); \(line)"
    }
    return spread(
      "screen_moire_peak", "the highest moire", { String(format: "%.1f", $0) },
      line: String(format: "the screen line is %.1f", measured.screenMoire)) + "\n"
      + spread(
        "planar_residual_low", "the flattest motion", { String(format: "%.2f%%", 100 * $0) },
        line: String(format: "the flat line is %.2f%% of the eye distance", 100 * measured.planarResidual))
  }

  /// The figure `name` of every live track of at least `minLiveSeconds` that measured it.
  public func liveFigures(_ name: String, _ outcomes: [VideoOutcome]) -> [Double] {
    outcomes.filter { $0.presentation.kind == .live }.flatMap(\.tracks).filter { $0.seconds >= minLiveSeconds }
      .compactMap { $0.figures[name] }
  }

  /// A site's lines from its live recordings (`LivenessLines.measured`).
  public func lines(_ outcomes: [VideoOutcome], solidLine: Double, measuredOn: String) throws(LivenessLines.LinesError)
    -> LivenessLines
  {
    let recordings = outcomes.filter { outcome in
      outcome.presentation.kind == .live
        && outcome.tracks.contains { $0.seconds >= minLiveSeconds && $0.figures["screen_moire_peak"] != nil }
    }
    return try LivenessLines.measured(
      moirePeaks: liveFigures("screen_moire_peak", outcomes), flattestMotion: liveFigures("planar_residual_low", outcomes),
      recordings: recordings.count, solidLine: solidLine, measuredOn: measuredOn)
  }

  /// The report over all videos. Each attack type of `kinds` has its column even with no video of
  /// it (a site that recorded no print is shown that it did not).
  public func report(_ outcomes: [VideoOutcome], kinds: [String] = []) -> LivenessVideoReport {
    var rows: [LivenessVideoReport.Row] = []
    for setting in settings {
      var attacks: [String: (Int, Int)] = Dictionary(uniqueKeysWithValues: kinds.map { ($0, (0, 0)) })
      var liveTracks = 0, lateOrNever = 0, never = 0, votedAttack = 0
      var delays: [Double] = []
      for outcome in outcomes {
        if outcome.presentation.kind == .live {
          for track in outcome.tracks where track.seconds >= minLiveSeconds {
            liveTracks += 1
            if setting.attackOnly {
              // Refused when the cue voted against it, at any time.
              if track.verdicts[setting.name]?.spoof == true { lateOrNever += 1 }
            } else if let after = track.verdicts[setting.name]?.liveAfter {
              delays.append(after)
              if after > liveWithin { lateOrNever += 1 }
            } else {
              lateOrNever += 1
              never += 1
              if track.verdicts[setting.name]?.spoof == true { votedAttack += 1 }
            }
          }
        } else if !outcome.tracks.isEmpty {
          // An attack recording in which no face was tracked tests nothing: it is left out, not counted refused.
          let accepted =
            setting.attackOnly
            ? !outcome.tracks.contains { $0.verdicts[setting.name]?.spoof == true }
            : outcome.tracks.contains { $0.verdicts[setting.name]?.liveAfter != nil }
          let kind = outcome.presentation.attackType
          attacks[kind, default: (0, 0)].0 += 1
          if accepted { attacks[kind, default: (0, 0)].1 += 1 }
        }
      }
      delays.sort()
      rows.append(
        LivenessVideoReport.Row(
          setting: setting.name,
          attackOnly: setting.attackOnly,
          attacks: attacks.keys.sorted().map { LivenessReport.Row(kind: $0, samples: attacks[$0]!.0, errors: attacks[$0]!.1) },
          live: LivenessReport.Row(kind: "live", samples: liveTracks, errors: lateOrNever),
          liveNever: never,
          liveVotedAttack: votedAttack,
          medianLiveAfter: delays.isEmpty ? nil : delays[delays.count / 2]))
    }
    var report = LivenessVideoReport(liveWithin: liveWithin, rows: rows, videos: outcomes.count)
    let live = outcomes.filter { $0.presentation.kind == .live }
    report.liveRecordings = live.count
    report.liveUntracked = live.filter { !$0.tracks.contains { $0.seconds >= minLiveSeconds } }.map(\.presentation.name)
    report.attacksUntracked = outcomes.filter { $0.presentation.kind != .live && $0.tracks.isEmpty }.map(\.presentation.name)
    return report
  }
}
