import Foundation

/// A camera recognised an enrolled person and did not mark them for liveness: a cue voted the face
/// an attack (`spoof`), the person failed the challenge (`challenge_failed`), or the track ended
/// before the face was judged live (`not_marked`). Logged once per track, for an admin or the
/// person's teacher to review: a friend's phone held up, or a live pupil refused by mistake, who is
/// then marked present by hand.
public struct LivenessRefusalMessage: Sendable, Equatable, Codable {
  public var id: UUID
  public var personID: String
  public var deviceID: String
  public var classID: String?
  public var capturedAt: CapturedTime
  public var direction: AttendanceMessage.Direction
  public var distance: Double?
  public var verdict: Verdict
  /// Why, in att-take's words ("a screen's moire ...", "the track ended before liveness was shown").
  public var reason: String
  public var figures: [String: Double]?
  /// Where the camera host saved its crop (`--snapshots`).
  public var snapshotPath: String?
  /// The crop itself (JPEG), sent only when snapshots are on: the server keeps it for the snapshot
  /// retention period, for the review.
  public var jpeg: Data?

  /// What att-take made of the track (its `attendance` value on the JSON line).
  public enum Verdict: String, Sendable, Codable, CaseIterable {
    case spoof
    case challengeFailed = "challenge_failed"
    case notMarked = "not_marked"

    public init(from decoder: any Decoder) throws {
      let text = try decoder.singleValueContainer().decode(String.self)
      guard let verdict = Verdict(rawValue: text) else {
        let names = Verdict.allCases.map(\.rawValue).joined(separator: ", ")
        throw FieldProblem(decoder.codingPath, "'\(text.prefix(40))' is not a refusal (\(names))")
      }
      self = verdict
    }
  }

  public init(
    id: UUID = UUID(), personID: String, deviceID: String, classID: String? = nil, capturedAt: CapturedTime,
    direction: AttendanceMessage.Direction = .in, distance: Double? = nil, verdict: Verdict, reason: String,
    figures: [String: Double]? = nil, snapshotPath: String? = nil, jpeg: Data? = nil
  ) {
    self.id = id
    self.personID = personID
    self.deviceID = deviceID
    self.classID = classID
    self.capturedAt = capturedAt
    self.direction = direction
    self.distance = distance
    self.verdict = verdict
    self.reason = reason
    self.figures = figures
    self.snapshotPath = snapshotPath
    self.jpeg = jpeg
  }

  enum CodingKeys: String, CodingKey {
    case id, direction, distance, verdict, reason, figures, jpeg
    case personID = "person_id"
    case deviceID = "device_id"
    case classID = "class"
    case capturedAt = "captured_at"
    case snapshotPath = "snapshot"
  }
}
