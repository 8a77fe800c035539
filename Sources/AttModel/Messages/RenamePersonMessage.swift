import Foundation

/// Change the display name of an enrolled person; their id, faces and records stay as they are.
public struct RenamePersonMessage: Sendable, Equatable, Codable {
  public var id: UUID
  public var personID: String
  public var name: String
  /// Who asked; the handler writes the audit row in the same transaction as the change.
  public var actor: String?

  public init(id: UUID = UUID(), personID: String, name: String, actor: String? = nil) {
    self.id = id
    self.personID = personID
    self.name = name
    self.actor = actor
  }

  enum CodingKeys: String, CodingKey {
    case id, name, actor
    case personID = "person_id"
  }
}
