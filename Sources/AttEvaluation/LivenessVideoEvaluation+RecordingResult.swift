import Foundation

extension LivenessVideoEvaluation {
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
}
