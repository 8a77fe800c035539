import Foundation

/// A camera saw a face that matches no one enrolled (logged once per track).
public struct UnknownFaceMessage: Sendable, Equatable, Codable {
  public var id: UUID
  public var deviceID: String
  public var capturedAt: CapturedTime
  /// The distance to the nearest enrolled face, if anyone is enrolled, and whose face it is.
  public var nearestDistance: Double?
  public var nearestPersonID: String?
  /// Where the camera host saved its snapshot (`--snapshots`).
  public var snapshotPath: String?
  /// The snapshot itself (JPEG), sent only when snapshots are on: the server keeps it for the
  /// snapshot retention period, for an admin to enrol, assign or dismiss.
  public var jpeg: Data?

  public init(
    id: UUID = UUID(), deviceID: String, capturedAt: CapturedTime, nearestDistance: Double? = nil, nearestPersonID: String? = nil,
    snapshotPath: String? = nil, jpeg: Data? = nil
  ) {
    self.id = id
    self.deviceID = deviceID
    self.capturedAt = capturedAt
    self.nearestDistance = nearestDistance
    self.nearestPersonID = nearestPersonID
    self.snapshotPath = snapshotPath
    self.jpeg = jpeg
  }

  enum CodingKeys: String, CodingKey {
    case id, jpeg
    case deviceID = "device_id"
    case capturedAt = "captured_at"
    case nearestDistance = "nearest_distance"
    case nearestPersonID = "nearest_person_id"
    case snapshotPath = "snapshot"
  }
}
