import AttendanceKit
import FaceKit
import Foundation

/// Why a track ended as it did, for people: unknown, unmarked, undecided or an attack.
extension RecognitionSession {
  /// Why a face is nobody enrolled, for people: too far from every stored face, or near one but
  /// too close to another person's to tell them apart.
  func unknownReason(_ nearest: GalleryMatcher.Identification?) -> String {
    guard let nearest, let distance = nearest.distance else { return "nobody is enrolled" }
    if distance > options.threshold {
      return String(format: "the nearest stored face is %.2f away, over --threshold %.2f", distance, options.threshold)
    }
    let who = nearest.nearestPersonID ?? "someone"
    let margin = nearest.margin ?? 0
    return String(
      format: "nearest is %@, but another person is only %.2f further (--margin %.2f): too close to tell apart", who, margin,
      options.margin)
  }

  /// Why an identified track ended unmarked, and its kind (for the summary's counts): it was an
  /// attack, its challenge was not finished, it was a still photo, or liveness was never shown (and
  /// whether its motion stayed flat).
  func unmarkedReason(_ state: TrackState, verdict: LivenessVerdict, at time: Double) -> (
    kind: TrackEvent.Unmarked, reason: String
  ) {
    if verdict == .spoof { return (.attack, attackReason(state.liveness, at: time)) }
    if let unfinished = state.challenge?.unfinished { return (.challengeUnfinished, unfinished) }
    if options.stills {
      return (
        .neverLive,
        "liveness cannot be judged on a still photo, so it is not marked (--liveness off marks faces on photos you trust)"
      )
    }
    if state.liveness.motion?.isFlat == true {
      return (
        .neverLive,
        "the track ended before liveness was shown: its motion stayed flat, as a picture's, and the head never moved as a solid"
      )
    }
    // Only what the cues in use looked for (no motion when --liveness-cues leaves it out).
    let missed = [
      options.liveness.uses(.blink) ? "no blink" : nil, options.liveness.uses(.motion) ? "the head never moved as a solid" : nil,
    ].compactMap { $0 }
    return (.neverLive, "the track ended before liveness was shown (\(missed.joined(separator: ", ")))")
  }

  /// Why a track was never identified nor called unknown: the kind (for the summary's counts) and
  /// the track's own figures: "too small to identify: seen on 12 frames, at most 31 px wide
  /// (--identify-size 40)", "seen on 1 frame, 1 descriptor; a decision needs 3 agreeing matches ...".
  func undecidedReason(_ state: TrackState) -> (kind: String, reason: String) {
    let seen = "seen on \(state.frames) frame\(state.frames == 1 ? "" : "s")"
    guard state.attempts > 0 else {
      if state.widest < Double(options.identifySize) {
        return (
          "too small to identify (under --identify-size \(options.identifySize) px)",
          "too small to identify: \(seen), at most \(Int(state.widest)) px wide (--identify-size \(options.identifySize))"
        )
      }
      if let turn = state.leastTurn, turn > options.maxTurn {
        return (
          "turned away on every frame",
          "turned away on every frame: \(seen), turned \(String(format: "%.2f", turn)) at least (frontal enough: \(options.maxTurn))"
        )
      }
      return ("never frontal and large enough at once", "\(seen), never frontal and large enough at once to identify")
    }
    let tries = "\(state.attempts) descriptor\(state.attempts == 1 ? "" : "s")"
    let people = Set(state.matches.compactMap(\.personID))
    if people.count > 1 {
      return ("the matches disagreed", "\(seen), \(tries): the matches disagreed (\(people.sorted().joined(separator: ", ")))")
    }
    let needs = "a decision needs \(options.settleMatches) agreeing matches (--settle) or \(options.unknownAfter) without one"
    return ("seen too briefly to decide: \(needs)", "\(seen), \(tries); \(needs)")
  }

  /// Why a track is an attack, for people: "a photo or a screen: flat motion".
  func attackReason(_ liveness: TrackLiveness, at time: Double) -> String {
    "a photo or a screen: \(liveness.reason(at: time) ?? "")"
  }
}
