import Foundation

/// Erase a person's biometric data (face images, samples, embeddings), and their attendance unless kept.
public struct RemovePersonMessage: Sendable, Equatable, Codable {
  public var id: UUID
  public var personID: String
  public var keepAttendance: Bool
  /// Who asked (an account, a token, or the tool and the user that ran it): the handler writes the
  /// audit row in the same transaction as the erasure.
  public var actor: String?

  public init(id: UUID = UUID(), personID: String, keepAttendance: Bool = false, actor: String? = nil) {
    self.id = id
    self.personID = personID
    self.keepAttendance = keepAttendance
    self.actor = actor
  }

  enum CodingKeys: String, CodingKey {
    case id, actor
    case personID = "person_id"
    case keepAttendance = "keep_attendance"
  }
}
