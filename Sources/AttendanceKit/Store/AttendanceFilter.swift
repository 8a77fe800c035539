import Foundation
import GRDB

/// Filters of the attendance list and the exports.
public struct AttendanceFilter: Sendable, Equatable {
  public var from: Day?
  public var to: Day?
  public var classID: String?
  public var personID: String?

  public init(from: Day? = nil, to: Day? = nil, classID: String? = nil, personID: String? = nil) {
    self.from = from
    self.to = to
    self.classID = classID
    self.personID = personID
  }

  func clause(_ arguments: inout StatementArguments) -> String {
    var conditions: [String] = []
    if let from {
      conditions.append("a.local_day >= ?")
      _ = arguments.append(contentsOf: [from.text])
    }
    if let to {
      conditions.append("a.local_day <= ?")
      _ = arguments.append(contentsOf: [to.text])
    }
    if let classID {
      conditions.append("a.class_id = ?")
      _ = arguments.append(contentsOf: [classID])
    }
    if let personID {
      conditions.append("a.person_id = ?")
      _ = arguments.append(contentsOf: [personID])
    }
    return conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
  }
}
