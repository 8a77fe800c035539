import Foundation

/// An office correction to the attendance of one person on one day, with who made it and why:
/// mark present (a record by hand, with its time and note), excuse or un-excuse, or delete a wrong
/// record. The handler applies it and writes its audit row in the same transaction.
///
/// On the wire it is one flat object (`action`, `person_id`, `day`, ...); in Swift each action
/// carries exactly the fields it needs, so a decoded correction is complete.
public struct CorrectionMessage: Sendable, Equatable, Codable {
  public enum Action: String, Sendable, Codable, CaseIterable {
    case markPresent = "mark-present"
    case excuse
    case unexcuse
    case deleteRecord = "delete-record"
  }

  /// What is corrected, with the fields that action needs.
  public enum Change: Sendable, Equatable {
    /// A record by hand: the person arrived at `at` (the school's clock); `classID` nil for the whole day.
    case markPresent(personID: String, classID: String?, at: CapturedTime)
    case excuse(personID: String, classID: String?, day: Day)
    case unexcuse(personID: String, classID: String?, day: Day)
    /// An attendance record's id.
    case deleteRecord(attendanceID: Int64)
  }

  public var id: UUID
  public var change: Change
  /// Who made it: an account's name, or a token's ("name (token)").
  public var actor: String
  public var note: String?

  public init(id: UUID = UUID(), _ change: Change, actor: String, note: String? = nil) {
    self.id = id
    self.change = change
    self.actor = actor
    self.note = note
  }

  public var action: Action {
    switch change {
    case .markPresent: .markPresent
    case .excuse: .excuse
    case .unexcuse: .unexcuse
    case .deleteRecord: .deleteRecord
    }
  }

  /// The person it is about (a record's person is known only once it is read: nil for a deletion).
  public var personID: String? {
    switch change {
    case .markPresent(let person, _, _), .excuse(let person, _, _), .unexcuse(let person, _, _): person
    case .deleteRecord: nil
    }
  }

  /// The class of a mark or an excuse; nil for the whole day (and for a deletion).
  public var classID: String? {
    switch change {
    case .markPresent(_, let classID, _), .excuse(_, let classID, _), .unexcuse(_, let classID, _): classID
    case .deleteRecord: nil
    }
  }

  /// What it is about, for a log line: "excuse 21CS002", "delete-record record 12".
  public var summary: String {
    switch change {
    case .deleteRecord(let record): "\(action.rawValue) record \(record)"
    default: "\(action.rawValue) \(personID ?? "")"
    }
  }

  enum CodingKeys: String, CodingKey {
    case id, action, actor, day, note
    case personID = "person_id"
    case classID = "class"
    case capturedAt = "captured_at"
    case attendanceID = "attendance_id"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    id = try c.decode(UUID.self, forKey: .id)
    actor = try c.decode(String.self, forKey: .actor)
    note = try c.decodeIfPresent(String.self, forKey: .note)
    switch try c.decode(Action.self, forKey: .action) {
    case .markPresent:
      change = .markPresent(
        personID: try c.decode(String.self, forKey: .personID), classID: try c.decodeIfPresent(String.self, forKey: .classID),
        at: try c.decode(CapturedTime.self, forKey: .capturedAt))
    case .excuse:
      change = .excuse(
        personID: try c.decode(String.self, forKey: .personID), classID: try c.decodeIfPresent(String.self, forKey: .classID),
        day: try c.decode(Day.self, forKey: .day))
    case .unexcuse:
      change = .unexcuse(
        personID: try c.decode(String.self, forKey: .personID), classID: try c.decodeIfPresent(String.self, forKey: .classID),
        day: try c.decode(Day.self, forKey: .day))
    case .deleteRecord:
      change = .deleteRecord(attendanceID: try c.decode(Int64.self, forKey: .attendanceID))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(id, forKey: .id)
    try c.encode(action, forKey: .action)
    try c.encode(actor, forKey: .actor)
    try c.encodeIfPresent(note, forKey: .note)
    switch change {
    case .markPresent(let person, let classID, let at):
      try c.encode(person, forKey: .personID)
      try c.encodeIfPresent(classID, forKey: .classID)
      try c.encode(at, forKey: .capturedAt)
    case .excuse(let person, let classID, let day), .unexcuse(let person, let classID, let day):
      try c.encode(person, forKey: .personID)
      try c.encodeIfPresent(classID, forKey: .classID)
      try c.encode(day, forKey: .day)
    case .deleteRecord(let record):
      try c.encode(record, forKey: .attendanceID)
    }
  }
}
