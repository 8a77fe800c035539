import AttendanceKit
import FaceKit
import Foundation

/// One labelled video for scoring the liveness cues over time, as att-take runs them.
public struct LivenessPresentation: Sendable, Codable, Equatable {
  /// A short name: kind, how it was made, from what.
  public let name: String
  public let kind: LivenessSample.Kind
  /// What it is, for the report: "real video", "real printed photo, hand-held", ...
  public let material: String
  public let path: String

  public init(name: String, kind: LivenessSample.Kind, material: String, path: String) {
    self.name = name
    self.kind = kind
    self.material = material
    self.path = path
  }

  /// The attack type the report counts it under: print, screen photo or screen replay (live for
  /// bona fide presentations).
  public var attackType: String {
    switch kind {
    case .live: "live"
    case .screen: name.hasPrefix("screen-replay") ? "screen replay" : "screen photo"
    default: "print"
    }
  }
}

/// The evaluation videos. None of their faces is in the texture model's training split (NUAA
/// subjects 0001-0002): attacks are made from the print and screen stills, NUAA subject 0003's
/// print crops, and the photos of ../shared/faces/people (an attacker's photo of an enrolled
/// person: digital photos, so the texture of a print is not simulated); bona fide presentations are
/// the real video in ../shared/faces/video, the only live video there is.
public enum LivenessVideos {
  /// How much of each kind to build: `quick` for the tests (a handful of videos), `full` for the report.
  public enum Size: String, Sendable {
    case quick
    case full
  }

  /// Builds the videos into `folder` (created) from `shared` (the ../shared folder) at `fps`.
  public static func build(
    into folder: String, shared: String, size: Size = .full, fps: Double = 15, seconds: Double = 6,
    log: (String) -> Void = { _ in }
  ) throws -> [LivenessPresentation] {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let frames = Int(seconds * fps)
    // The replay runs as long as the clip's part with a large face (the performer from 4 s on).
    let replayFrames = Int(max(seconds, 10) * fps)
    let liveness = "\(shared)/faces/liveness", people = "\(shared)/faces/people"
    var plan: [(String, LivenessSample.Kind, String, StillsVideo.Shot)] = []
    var presentations: [LivenessPresentation] = []
    // Live material: the clips of live faces (not the negatives, which hold none). The quick set
    // keeps to the Hamilton clip, whose three faces the tests know.
    let clips = ((try? FileManager.default.contentsOfDirectory(atPath: "\(shared)/faces/video"))?.sorted() ?? []).filter { clip in
      ["mp4", "gif", "mkv"].contains((clip as NSString).pathExtension) && !clip.hasPrefix("negative_") && !clip.hasPrefix("hardneg_")
        && (size == .full || clip == "short_hamilton_clip.mp4")
    }
    for clip in clips {
      presentations.append(
        LivenessPresentation(
          name: "live-\((clip as NSString).deletingPathExtension)", kind: .live, material: "real video of live faces",
          path: "\(shared)/faces/video/\(clip)"))
    }
    let printStill = "\(liveness)/spoof_print/image_F1.jpg", screenStill = "\(liveness)/spoof_screen/image_F2.jpg"
    let seeds: [UInt64] = size == .quick ? [1] : [1, 2, 3]
    if FileManager.default.fileExists(atPath: printStill) {
      for seed in seeds {
        plan.append(
          (
            "print-hand-F1-\(seed)", .print, "real printed photo (still F1), hand-held",
            .handHeld(printStill, frames: frames, seed: seed)
          ))
      }
      plan.append(
        (
          "print-turned-F1", .print, "real printed photo (still F1), turned in depth",
          .turned(printStill, frames: frames)
        ))
    }
    if FileManager.default.fileExists(atPath: screenStill) {
      for seed in seeds {
        plan.append(
          (
            "screen-hand-F2-\(seed)", .screen, "real tablet screen (still F2), hand-held",
            .handHeld(screenStill, frames: frames, seed: seed)
          ))
      }
    }
    let nuaa = "\(liveness)/nuaa_spoof_print/0003"
    let crops = ((try? FileManager.default.contentsOfDirectory(atPath: nuaa)) ?? []).filter(ImageFiles.isImageName).sorted()
    for (k, crop) in crops.enumerated() where k % 5 == 0 && (size == .full || k == 0) {
      plan.append(
        (
          "print-hand-nuaa0003-\(k)", .print, "real printed photo (NUAA 0003 crop), hand-held",
          .handHeld("\(nuaa)/\(crop)", frames: frames, seed: UInt64(100 + k))
        ))
    }
    let folks = ((try? FileManager.default.contentsOfDirectory(atPath: people)) ?? []).sorted()
    for (k, person) in folks.enumerated() where size == .full || k < 2 {
      guard
        let photo = ((try? FileManager.default.contentsOfDirectory(atPath: "\(people)/\(person)")) ?? [])
          .filter(ImageFiles.isImageName).sorted().first
      else { continue }
      let path = "\(people)/\(person)/\(photo)"
      plan.append(
        ("photo-hand-\(person)", .print, "photo of a person, hand-held", .handHeld(path, frames: frames, seed: UInt64(200 + k))))
      if k % 2 == 0 {
        plan.append(("photo-turned-\(person)", .print, "photo of a person, turned in depth", .turned(path, frames: frames)))
      } else {
        plan.append(
          (
            "screen-photo-\(person)", .screen, "photo of a person on a tablet, hand-held",
            .screen(path, frames: frames, seed: UInt64(300 + k))
          ))
      }
    }
    for clip in clips {
      for seed in seeds {
        plan.append(
          (
            "screen-replay-\((clip as NSString).deletingPathExtension)-\(seed)", .screen, "real video replayed on a tablet, hand-held",
            .replay("\(shared)/faces/video/\(clip)", frames: replayFrames, seed: 400 + seed, fill: 1.3)
          ))
      }
    }
    for (name, kind, material, shot) in plan {
      let path = "\(folder)/\(name).avi"
      // Made once: a folder kept with --keep is reused (the seeds make the same video every time).
      if !FileManager.default.fileExists(atPath: path) {
        log("making \(name)")
        try StillsVideo.make(path + ".part.avi", shots: [shot], fps: fps)
        try FileManager.default.moveItem(atPath: path + ".part.avi", toPath: path)
      }
      presentations.append(LivenessPresentation(name: name, kind: kind, material: material, path: path))
    }
    return presentations
  }

}

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
  }

  /// Each cue alone, blink+motion, the defaults with the context cue (and the screen cue), all,
  /// then att-take's defaults (`base.cues`).
  public let settings: [Setting]
  public var minLiveSeconds = 0.9
  public var liveWithin = 3.0
  /// Every cue is measured once per track; each setting fuses its own cues' votes.
  private let measured: LivenessOptions
  private let models: ModelSet
  private let landmarks: LandmarkPredictor

  public init(models: ModelSet, base: LivenessOptions) throws {
    var measured = base
    measured.cues = Set(LivenessCue.allCases.filter { $0 != .texture || base.textureModel != nil })
    self.measured = measured
    self.models = models
    landmarks = try LandmarkPredictor(modelPath: try models.path(of: .landmarks68))
    var settings = measured.cues.sorted().map { Setting(name: $0.rawValue, cues: [$0]) }
    // The defaults before the screen cue, to compare with.
    if base.cues != [.blink, .motion] { settings.append(Setting(name: "blink+motion", cues: [.blink, .motion])) }
    // The candidates: the defaults with each cue that looks at the device, and with both.
    func add(_ cues: Set<LivenessCue>) {
      guard cues != base.cues, measured.cues.isSuperset(of: cues), !settings.contains(where: { $0.cues == cues }) else { return }
      settings.append(Setting(name: cues.sorted().map(\.rawValue).joined(separator: "+"), cues: cues))
    }
    for extra: Set<LivenessCue> in [[.screen], [.context], [.screen, .context]] { add(base.cues.union(extra)) }
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
    var states: [Int: (first: Double, last: Double, liveness: TrackLiveness, liveAt: [Double?], spoof: [Bool])] = [:]
    var frames = 0
    _ = try pipeline.run(models: models, stop: StopSignal()) { frame in
      frames += 1
      let time = frame.time
      // As att-take: faces under the liveness minimum are not judged (their tracks wait).
      for (face, id) in zip(frame.faces, frame.tracks) where face.box.width >= measured.minFace {
        let image = frame.image
        var state =
          states[id]
          ?? (time, time, TrackLiveness(options: measured), settings.map { _ in nil }, settings.map { _ in false })
        state.last = time
        try state.liveness.observe(try landmarks.landmarks(of: face, in: image).points, box: face.box, in: image, at: time)
        let votes = state.liveness.cueVotes(at: time), pending = state.liveness.pendingCues
        for (k, setting) in settings.enumerated() {
          var verdict = TrackLiveness.fuse(votes.filter { setting.cues.contains($0.key) }, pending: pending.intersection(setting.cues))
          // The crop cues (texture, screen) only vote attack; scored alone, a face they have seen
          // enough of and not voted against is one they accept.
          if setting.cues.isSubset(of: [.texture, .screen]), verdict == .waiting, pending.isDisjoint(with: setting.cues) {
            verdict = .live
          }
          // As att-take: an attack vote is kept for the track's life (a later live vote does not count).
          switch verdict {
          case .live: if state.liveAt[k] == nil && !state.spoof[k] { state.liveAt[k] = time - state.first }
          case .spoof: if state.liveAt[k] == nil { state.spoof[k] = true }
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
            (settings[$0].name, TrackOutcome.Verdict(liveAfter: s.liveAt[$0], spoof: s.spoof[$0]))
          }))
    }
    return VideoOutcome(presentation: presentation, frames: index, tracks: tracks)
  }

  /// The report over all videos.
  public func report(_ outcomes: [VideoOutcome]) -> LivenessVideoReport {
    var rows: [LivenessVideoReport.Row] = []
    for setting in settings {
      var attacks: [String: (Int, Int)] = [:]
      var liveTracks = 0, lateOrNever = 0, never = 0
      var delays: [Double] = []
      for outcome in outcomes {
        if outcome.presentation.kind == .live {
          for track in outcome.tracks where track.seconds >= minLiveSeconds {
            liveTracks += 1
            if let after = track.verdicts[setting.name]?.liveAfter {
              delays.append(after)
              if after > liveWithin { lateOrNever += 1 }
            } else {
              lateOrNever += 1
              never += 1
            }
          }
        } else {
          let accepted = outcome.tracks.contains { $0.verdicts[setting.name]?.liveAfter != nil }
          let kind = outcome.presentation.attackType
          attacks[kind, default: (0, 0)].0 += 1
          if accepted { attacks[kind, default: (0, 0)].1 += 1 }
        }
      }
      delays.sort()
      rows.append(
        LivenessVideoReport.Row(
          setting: setting.name,
          attacks: attacks.keys.sorted().map { LivenessReport.Row(kind: $0, samples: attacks[$0]!.0, errors: attacks[$0]!.1) },
          live: LivenessReport.Row(kind: "live", samples: liveTracks, errors: lateOrNever),
          liveNever: never,
          medianLiveAfter: delays.isEmpty ? nil : delays[delays.count / 2]))
    }
    return LivenessVideoReport(liveWithin: liveWithin, rows: rows, videos: outcomes.count)
  }
}

/// APCER per attack type and BPCER per cue setting, over videos.
public struct LivenessVideoReport: Sendable, Codable {
  public struct Row: Sendable, Codable {
    public let setting: String
    public let attacks: [LivenessReport.Row]
    /// Live tracks not judged live within `liveWithin` seconds (BPCER).
    public let live: LivenessReport.Row
    /// Of those, never judged live.
    public let liveNever: Int
    public let medianLiveAfter: Double?
  }
  public let liveWithin: Double
  public let rows: [Row]
  public let videos: Int

  public var text: String {
    let kinds = rows.first?.attacks.map(\.kind) ?? []
    func padded(_ text: String, _ width: Int, left: Bool = false) -> String {
      let pad = String(repeating: " ", count: max(0, width - text.count))
      return left ? text + pad : pad + text
    }
    let settingWidth = max(24, (rows.map(\.setting.count).max() ?? 0) + 1)
    var header = padded("cues", settingWidth, left: true)
    for kind in kinds { header += " " + padded("APCER \(kind)", 21) }
    header += " " + padded("BPCER (\(Int(liveWithin)) s)", 24) + " " + padded("live after", 12)
    var lines = [header]
    for row in rows {
      var line = padded(row.setting, settingWidth, left: true)
      for a in row.attacks { line += " " + padded(String(format: "%.1f%% (%d/%d)", a.rate * 100, a.errors, a.samples), 21) }
      line +=
        " "
        + padded(
          String(format: "%.1f%% (%d/%d, %d never)", row.live.rate * 100, row.live.errors, row.live.samples, row.liveNever), 24)
      line += " " + padded(row.medianLiveAfter.map { String(format: "%.2f s", $0) } ?? "-", 12)
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }
}
