import Foundation
import GRDB

/// Filters of the attendance list and the exports. A class takes its own records and its members'
/// records at cameras without a class, as the one day rule counts them.
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
      // The day rule: a record at a camera without a class (a gate) counts for the pupil's classes.
      conditions.append(
        "(a.class_id = ? OR (a.class_id IS NULL AND a.person_id IN (SELECT person_id FROM class_members WHERE class_id = ?)))")
      _ = arguments.append(contentsOf: [classID, classID])
    }
    if let personID {
      conditions.append("a.person_id = ?")
      _ = arguments.append(contentsOf: [personID])
    }
    return conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
  }
}
