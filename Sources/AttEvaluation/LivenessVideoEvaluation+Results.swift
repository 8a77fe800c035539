import AttFrames
import AttRecognition
import AttendanceKit
import FaceKit
import FaceVideo
import Foundation

/// Reading the outcomes: what each recording came to, the live spread of the attack lines' figures,
/// a site's lines, and the report over all videos.
extension LivenessVideoEvaluation {
  public func result(_ outcome: VideoOutcome, setting: String) -> RecordingResult {
    let live = outcome.presentation.kind == .live
    let tracks = outcome.tracks.filter { $0.seconds >= minLiveSeconds || !live }
    func verdict(_ t: TrackOutcome) -> TrackOutcome.Verdict? { t.verdicts[setting] }
    var result = RecordingResult(
      recording: outcome.presentation.name, label: outcome.presentation.attackType, frames: outcome.frames,
      untracked: tracks.isEmpty, tracks: tracks.count)
    guard !tracks.isEmpty else { return result }
    // Times to the millisecond, figures to the digits they are read at (the JSON shows no float noise).
    func rounded(_ value: Double, _ unit: Double) -> Double { (value / unit).rounded() * unit }
    result.attackVotes = tracks.compactMap { t in
      verdict(t).flatMap { v in
        v.spoofAfter.map { RecordingResult.Vote(track: t.track, after: rounded($0, 0.001), reason: v.reason ?? "attack") }
      }
    }
    // The figures the attack lines are set against, for an attack as for a live face.
    result.moirePeak = tracks.compactMap { $0.figures["screen_moire_peak"] }.max().map { rounded($0, 0.01) }
    result.flattestMotion = tracks.compactMap { $0.figures["planar_residual_low"] }.min().map { rounded($0, 0.00001) }
    if live {
      let after = tracks.compactMap { verdict($0)?.liveAfter }.sorted().map { rounded($0, 0.001) }
      result.liveAfter = after
      result.liveInTime = after.filter { $0 <= liveWithin }.count
    } else {
      let accepted = tracks.first { verdict($0)?.liveAfter != nil }
      result.accepted = accepted != nil
      result.acceptedTrack = accepted?.track
      result.acceptedAfter = accepted.flatMap { verdict($0)?.liveAfter }.map { rounded($0, 0.001) }
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
    // Times from the track's first frame (att-take prints a frame's time from the start of the video).
    let votes = r.attackVotes.map { "track \($0.track) voted attack \(seconds($0.after)) after it began (\($0.reason))" }
    if let inTime = r.liveInTime, let after = r.liveAfter {
      line += "\(inTime) of \(r.tracks) tracks live within \(Int(liveWithin)) s"
      if !after.isEmpty { line += " (after \(after.map(seconds).joined(separator: ", ")))" }
      if let peak = r.moirePeak { line += String(format: "; moire peak %.1f (screen line %.1f)", peak, options.screenMoire) }
      if let low = r.flattestMotion {
        line += String(
          format: "; flattest motion %.2f%% of the eye distance (flat line %.2f%%)", 100 * low, 100 * options.planarResidual)
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
        "\(title) (\(name)) over \(values.count) live tracks: min \(f(first)), median \(f(LivenessVideoReport.median(ofSorted: values)!)), max \(f(last)); \(line)"
    }
    return spread(
      "screen_moire_peak", "the highest moire", { String(format: "%.1f", $0) },
      line: String(format: "the screen line is %.1f", options.screenMoire)) + "\n"
      + spread(
        "planar_residual_low", "the flattest motion", { String(format: "%.2f%%", 100 * $0) },
        line: String(format: "the flat line is %.2f%% of the eye distance", 100 * options.planarResidual))
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
      rows.append(
        LivenessVideoReport.Row(
          setting: setting.name,
          attackOnly: setting.attackOnly,
          attacks: attacks.keys.sorted().map { LivenessReport.Row(kind: $0, samples: attacks[$0]!.0, errors: attacks[$0]!.1) },
          live: LivenessReport.Row(kind: "live", samples: liveTracks, errors: lateOrNever),
          liveNever: never,
          liveVotedAttack: votedAttack,
          medianLiveAfter: LivenessVideoReport.median(ofSorted: delays.sorted())))
    }
    var report = LivenessVideoReport(liveWithin: liveWithin, rows: rows, videos: outcomes.count)
    let live = outcomes.filter { $0.presentation.kind == .live }
    report.liveRecordings = live.count
    report.liveUntracked = live.filter { !$0.tracks.contains { $0.seconds >= minLiveSeconds } }.map(\.presentation.name)
    report.attacksUntracked = outcomes.filter { $0.presentation.kind != .live && $0.tracks.isEmpty }.map(\.presentation.name)
    return report
  }
}
