import Foundation

/// A camera saw a recognised, live person.
public struct AttendanceMessage: Sendable, Equatable, Codable {
  /// The observation's UUID: the database refuses a second copy.
  public var id: UUID
  public var personID: String
  public var deviceID: String
  public var classID: String?
  /// When the camera saw the face, ISO 8601 with the camera's UTC offset (e.g. 2026-11-25T09:01:02+05:30).
  public var capturedAt: CapturedTime
  public var direction: Direction
  public var distance: Double?
  public var liveness: Liveness?
  /// Where the camera host saved its crop (`--snapshots`).
  public var snapshotPath: String?
  /// The crop itself (JPEG, the face and what is around it), sent only when snapshots are on: the
  /// server keeps it for the snapshot retention period, so that an admin can check who was marked
  /// (a replay that got through looks like any other arrival in the register).
  public var jpeg: Data?

  public enum Direction: String, Sendable, Codable {
    case `in`, out

    public init(from decoder: any Decoder) throws {
      let text = try decoder.singleValueContainer().decode(String.self)
      guard let direction = Direction(rawValue: text) else {
        throw FieldProblem(decoder.codingPath, "'\(text.prefix(40))' is not a direction (in or out)")
      }
      self = direction
    }
  }

  /// The liveness verdict att-take reached for the track, why (the cues that said live, e.g. "live:
  /// solid head motion", or a challenge passed), and its figures.
  public struct Liveness: Sendable, Equatable, Codable {
    public var verdict: String
    public var reason: String?
    public var figures: [String: Double]?

    public init(verdict: String, reason: String? = nil, figures: [String: Double]? = nil) {
      self.verdict = verdict
      self.reason = reason
      self.figures = figures
    }
  }

  public init(
    id: UUID = UUID(), personID: String, deviceID: String, classID: String? = nil, capturedAt: CapturedTime,
    direction: Direction = .in, distance: Double? = nil, liveness: Liveness? = nil, snapshotPath: String? = nil,
    jpeg: Data? = nil
  ) {
    self.id = id
    self.personID = personID
    self.deviceID = deviceID
    self.classID = classID
    self.capturedAt = capturedAt
    self.direction = direction
    self.distance = distance
    self.liveness = liveness
    self.snapshotPath = snapshotPath
    self.jpeg = jpeg
  }

  enum CodingKeys: String, CodingKey {
    case id, direction, distance, liveness, jpeg
    case personID = "person_id"
    case deviceID = "device_id"
    case classID = "class"
    case capturedAt = "captured_at"
    case snapshotPath = "snapshot"
  }
}
