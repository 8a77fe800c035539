import AttendanceKit
import Foundation

extension TakeSummary {
  /// The summary at the end of a run, for people: the figures, then why faces were not decided and
  /// who was recorded or sent. `stills` and `liveness` are the run's settings, `folder` says whether
  /// the source was a folder read as a sequence, `stopped` whether the run was stopped.
  public func lines(stills: Bool, liveness: Bool, folder: Bool, stopped: Bool) -> [String] {
    var lines = [
      String(
        format:
          "%d frames in %.1f s (%.1f frames/s, %d dropped%@), %d faces, %d tracks: %d recorded, %d duplicates, %d unknown, %d spoof, %d never live",
        frames, seconds, Double(frames) / max(seconds, 0.001), droppedFrames,
        (skippedFrames > 0 ? ", \(skippedFrames) skipped for --max-fps" : "") as NSString, faces, tracks, recorded.count,
        duplicates.count, unknownTracks, spoofTracks, waitingTracks)
        + (challengeFailedTracks > 0 ? ", \(challengeFailedTracks) failed the challenge" : "")
        + (challengeUnfinishedTracks > 0 ? ", \(challengeUnfinishedTracks) left mid-challenge" : "")
        + (undecided.isEmpty ? "" : ", \(undecided.values.reduce(0, +)) undecided")
        + (queued.isEmpty ? "" : ", \(queued.count) sent to the broker") + (stopped ? " (stopped)" : "")
    ]
    if stills && liveness && waitingTracks > 0 {
      lines.append(
        "\(waitingTracks) recognised on stills and not marked: liveness cannot be judged on a photo (--liveness off marks faces on photos you trust)"
      )
    }
    // Why faces were not decided, the most frequent first (--json gives each track's figures).
    if !undecided.isEmpty {
      let why = undecided.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
      lines.append("undecided: " + why.map { "\($0.value) \($0.key)" }.joined(separator: "; "))
      if folder && !stills {
        lines.append("a folder of unrelated photos (one per person)? --stills decides each image on its own")
      }
    }
    if !recorded.isEmpty { lines.append("recorded: \(recorded.joined(separator: ", "))") }
    if !queued.isEmpty {
      lines.append(
        "sent to the broker (att-worker records them, or counts a repeat as a duplicate): \(queued.joined(separator: ", "))")
    }
    return lines
  }
}

extension TakeDecision {
  /// The decision for people: "12.40s track 3: ada (Ada Lovelace) distance 0.38: recorded (live: a blink)".
  public var line: String {
    let who = person.map { "\($0) (\(name ?? $0))" } ?? "unknown face"
    let distance = distance.map { String(format: " distance %.2f", $0) } ?? ""
    return String(format: "%.2fs track %d: %@%@: %@", time, track, who, distance, attendance.rawValue)
      + (reason.map { " (\($0))" } ?? "")
  }
}
