import AttendanceKit
import FaceKit
import Foundation

/// One decision about one track: what `att-take --json` prints, one line each.
public struct TakeDecision: Sendable, Encodable, Equatable {
  /// What happened to the track's attendance.
  public enum Attendance: String, Sendable, Encodable {
    /// The observation was applied and is the person's record of the day.
    case recorded
    /// Applied, and counted as a duplicate of an earlier record (same person, class, day).
    case duplicate
    /// Sent to the broker for att-worker to apply.
    case queued
    /// Refused by the handler (the reason says why).
    case rejected
    /// Recognised, but no blink yet: not marked until liveness says live.
    case waitingForLiveness = "waiting_for_liveness"
    /// A liveness cue voted attack (a screen, a device, ...): never marked.
    case spoof
    /// Challenge mode: the last attempt at the challenge failed (the reason says how): not marked.
    case challengeFailed = "challenge_failed"
    /// Nobody enrolled matches this face.
    case unknown
    /// The track ended, recognised but never marked (the last figures say why).
    case notMarked = "not_marked"
    /// Challenge mode: the person is asked to do something, or to try again after a failed attempt
    /// (the reason says what).
    case challenge
    /// The track ended with neither an identity nor "unknown": too small, turned away, or not seen
    /// long enough (the reason says which, with the figures).
    case undecided
  }

  public let frame: Int
  public let time: Double
  public let track: Int
  /// When the track's face was first seen (seconds, as `time`): `time - trackStart` is how long
  /// the person had been in view, e.g. before liveness said live.
  public let trackStart: Double
  public let box: FaceBox
  public let person: String?
  public let name: String?
  public let distance: Float?
  public let margin: Float?
  public let liveness: LivenessVerdict
  public let livenessFigures: [String: Double]
  public let attendance: Attendance
  public let reason: String?
  /// The face crop saved for this decision (`--snapshots`): an unknown face, a marked person, a face
  /// refused by liveness, or one that ended never judged live.
  public var snapshot: String? = nil

  /// The same decision with another outcome (what the delivery made of a `present` event).
  public func with(_ attendance: Attendance, reason: String?) -> TakeDecision {
    TakeDecision(
      frame: frame, time: time, track: track, trackStart: trackStart, box: box, person: person, name: name,
      distance: distance, margin: margin, liveness: liveness, livenessFigures: livenessFigures, attendance: attendance,
      reason: reason, snapshot: snapshot)
  }

  /// The same decision with the crop saved for it.
  public func with(snapshot: String?) -> TakeDecision {
    var copy = self
    copy.snapshot = snapshot
    return copy
  }

  /// Liveness refused the face: a cue's attack vote, or a failed challenge.
  public var refusedByLiveness: Bool { attendance == .spoof || attendance == .challengeFailed }

  enum CodingKeys: String, CodingKey {
    case frame, time, track, box, person, name, distance, margin, liveness, attendance, reason, snapshot
    case livenessFigures = "liveness_figures"
    case trackStart = "track_start"
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(frame, forKey: .frame)
    try c.encode((time * 1000).rounded() / 1000, forKey: .time)
    try c.encode(track, forKey: .track)
    try c.encode((trackStart * 1000).rounded() / 1000, forKey: .trackStart)
    try c.encode(box, forKey: .box)
    try c.encode(person, forKey: .person)
    try c.encodeIfPresent(name, forKey: .name)
    try c.encode(distance.map { ($0 * 10000).rounded() / 10000 }, forKey: .distance)
    try c.encode(margin.map { $0.isFinite ? ($0 * 10000).rounded() / 10000 : nil } ?? nil, forKey: .margin)
    try c.encode(liveness, forKey: .liveness)
    try c.encode(livenessFigures, forKey: .livenessFigures)
    try c.encode(attendance, forKey: .attendance)
    try c.encodeIfPresent(reason, forKey: .reason)
    try c.encodeIfPresent(snapshot, forKey: .snapshot)
  }
}
