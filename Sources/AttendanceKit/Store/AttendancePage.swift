import Foundation
import GRDB

public struct AttendancePage<T: Codable & Sendable>: Codable, Sendable {
  public let items: [T]
  /// Pass as `before` for the next (older) page; null on the last page.
  public let nextBefore: Int64?

  enum CodingKeys: String, CodingKey {
    case items
    case nextBefore = "next_before"
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(items, forKey: .items)
    try container.encode(nextBefore, forKey: .nextBefore)  // null, not absent, on the last page
  }
}
