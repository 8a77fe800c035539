import AttendanceKit
import FaceKit
import Foundation

/// What a run did, for the summary at the end.
public struct TakeSummary: Sendable, Encodable {
  public var frames = 0
  public var droppedFrames = 0
  /// Frames read and not analysed, for `--max-fps`.
  public var skippedFrames = 0
  public var seconds = 0.0
  public var tracks = 0
  /// Faces found, summed over frames (a face seen on 10 frames counts 10).
  public var faces = 0
  public var recorded: [String] = []
  public var duplicates: [String] = []
  /// Sent to the broker (queue mode): att-worker decides whether each is a record or a duplicate.
  public var queued: [String] = []
  public var unknownTracks = 0
  public var spoofTracks = 0
  /// Challenge mode: tracks whose last attempt at the challenge failed.
  public var challengeFailedTracks = 0
  /// Challenge mode: tracks that ended in the middle of a challenge (the person left, or the clip ended).
  public var challengeUnfinishedTracks = 0
  public var waitingTracks = 0
  /// Tracks that ended with neither an identity nor "unknown", counted by why (each track's own
  /// figures are in its decision).
  public var undecided: [String: Int] = [:]
  public var galleryReloads = 0

  public init() {}

  /// Counts one track's final event: marked (or the delivery's outcome), unknown, an attack, a failed
  /// challenge, ended unmarked or undecided (each by its kind). `final` is the decision as it ended,
  /// when the delivery replaced the event's own (`duplicate`, `queued`, `rejected`).
  public mutating func count(_ event: TrackEvent, final: TakeDecision? = nil) {
    switch event {
    case .unmarked(_, .neverLive): waitingTracks += 1
    case .unmarked(_, .challengeUnfinished): challengeUnfinishedTracks += 1
    case .unmarked(_, .attack): spoofTracks += 1
    case .undecided(_, let kind): undecided[kind, default: 0] += 1
    case .report, .unknown, .present:
      let decision = final ?? event.decision
      switch decision.attendance {
      case .recorded: recorded.append(decision.person ?? "?")
      case .duplicate: duplicates.append(decision.person ?? "?")
      case .queued: queued.append(decision.person ?? "?")
      case .unknown: unknownTracks += 1
      case .spoof: spoofTracks += 1
      case .challengeFailed: challengeFailedTracks += 1
      case .rejected, .waitingForLiveness, .notMarked, .undecided, .challenge: break
      }
    }
  }

  enum CodingKeys: String, CodingKey {
    case frames, seconds, tracks, faces, recorded, duplicates, queued
    case droppedFrames = "dropped_frames"
    case skippedFrames = "skipped_frames"
    case unknownTracks = "unknown_tracks"
    case spoofTracks = "spoof_tracks"
    case challengeFailedTracks = "challenge_failed_tracks"
    case challengeUnfinishedTracks = "challenge_unfinished_tracks"
    case waitingTracks = "never_live_tracks"
    case undecided = "undecided_tracks"
    case galleryReloads = "gallery_reloads"
  }
}
