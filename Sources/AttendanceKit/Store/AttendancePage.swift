import Foundation
import GRDB

public struct AttendancePage<T: Codable & Sendable>: Codable, Sendable {
  public let items: [T]
  /// Pass as `before` for the next (older) page; null on the last page.
  public let next_before: Int64?

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(items, forKey: .items)
    try container.encode(next_before, forKey: .next_before)  // null, not absent, on the last page
  }
}
