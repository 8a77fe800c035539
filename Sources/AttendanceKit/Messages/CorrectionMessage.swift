import Foundation

/// An office correction to the attendance of one person on one day, with who made it and why:
/// mark present (a record by hand, with its time and note), excuse or un-excuse, or delete a wrong
/// record. The handler applies it and writes its audit row in the same transaction.
public struct CorrectionMessage: Sendable, Equatable, Codable {
  public enum Action: String, Sendable, Codable, CaseIterable {
    case markPresent = "mark-present"
    case excuse
    case unexcuse
    case deleteRecord = "delete-record"
  }
  public var id: UUID
  public var action: Action
  /// Who made it: an account's name, or a token's ("name (token)").
  public var actor: String
  public var personID: String?
  public var classID: String?
  /// The local day (YYYY-MM-DD): mark-present, excuse, unexcuse.
  public var day: String?
  /// mark-present: when the person arrived (ISO 8601 with the school's UTC offset).
  public var capturedAt: String?
  public var note: String?
  /// delete-record: the attendance record's id.
  public var attendanceID: Int64?

  public init(
    id: UUID = UUID(), action: Action, actor: String, personID: String? = nil, classID: String? = nil, day: String? = nil,
    capturedAt: String? = nil, note: String? = nil, attendanceID: Int64? = nil
  ) {
    self.id = id
    self.action = action
    self.actor = actor
    self.personID = personID
    self.classID = classID
    self.day = day
    self.capturedAt = capturedAt
    self.note = note
    self.attendanceID = attendanceID
  }

  enum CodingKeys: String, CodingKey {
    case id, action, actor, day, note
    case personID = "person_id"
    case classID = "class"
    case capturedAt = "captured_at"
    case attendanceID = "attendance_id"
  }
}
