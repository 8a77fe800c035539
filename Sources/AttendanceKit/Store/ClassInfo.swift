import Foundation
import GRDB

public struct ClassInfo: Codable, Sendable {
  public let id: String
  public let name: String
  public let members: Int
  /// The last day with a record for the class.
  public let lastDay: String?

  enum CodingKeys: String, CodingKey {
    case id, name, members
    case lastDay = "last_day"
  }
}
