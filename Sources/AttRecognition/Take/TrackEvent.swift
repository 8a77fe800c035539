import AttendanceKit
import FaceKit

/// What `RecognitionSession` says should happen to a track. The session only decides; `TakeRun`
/// acts (snapshots, messages, counts) and reports the final `TakeDecision`.
public enum TrackEvent: Sendable {
  /// Nothing to do but report it: a challenge step or a failed challenge, an attack, waiting for liveness.
  case report(TakeDecision)
  /// Recognised, and the track ended neither marked nor refused (`not_marked`); `kind` is why, for
  /// the summary's counts.
  case unmarked(TakeDecision, kind: Unmarked)
  /// The track ended with neither an identity nor "unknown"; `kind` is why, for the summary's counts.
  case undecided(TakeDecision, kind: String)
  /// Nobody enrolled matches this face: the server is told (with a crop when snapshots are on).
  case unknown(TakeDecision, nearest: GalleryMatcher.Identification?)
  /// Identified and live: the person is to be marked present. The decision's attendance says
  /// `recorded` until the delivery's outcome replaces it (`duplicate`, `queued`, `rejected`).
  case present(TakeDecision, match: GalleryMatcher.Identification)

  public var decision: TakeDecision {
    switch self {
    case .report(let decision), .unmarked(let decision, _), .undecided(let decision, _), .unknown(let decision, _),
      .present(let decision, _):
      decision
    }
  }

  /// Why a recognised track ended unmarked.
  public enum Unmarked: Sendable {
    /// Liveness was never shown while the track lasted.
    case neverLive
    /// It ended in the middle of its challenge (the person left, or the clip ended).
    case challengeUnfinished
    /// Its last frame's verdict was an attack.
    case attack
  }
}
