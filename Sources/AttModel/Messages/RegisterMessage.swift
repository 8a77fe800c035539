import Foundation

/// Enrol (or add faces to) a person: face crops as JPEG bytes (base64 in JSON).
public struct RegisterMessage: Sendable, Equatable, Codable {
  public var id: UUID
  public var personID: String
  public var name: String
  public var faces: [FaceCrop]
  /// Where the faces came from: "camera:0", a video or image path.
  public var source: String
  /// When the faces were captured, ISO 8601 with offset.
  public var capturedAt: CapturedTime
  public var classID: String?

  public init(
    id: UUID = UUID(), personID: String, name: String, faces: [FaceCrop], source: String,
    capturedAt: CapturedTime, classID: String? = nil
  ) {
    self.id = id
    self.personID = personID
    self.name = name
    self.faces = faces
    self.source = source
    self.capturedAt = capturedAt
    self.classID = classID
  }

  enum CodingKeys: String, CodingKey {
    case id, name, faces, source
    case personID = "person_id"
    case capturedAt = "captured_at"
    case classID = "class"
  }
}
