import Foundation
import GRDB

/// One day's roll for a class (or for everyone): who is present, late, marked by hand, excused or
/// absent, against the school calendar. Absent means on the roll, enrolled by that day, on a school
/// day, not recorded and not excused.
public struct Roster: Sendable, Codable, Equatable {
  public struct Entry: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
      /// Recorded by a camera.
      case present
      /// Marked present by hand (an office correction).
      case manual
      case excused
      case absent
      /// Not recorded on a day that is not a school day: nobody is expected.
      case notExpected = "not-expected"
    }
    public let personID: String
    public let name: String
    public let status: Status
    /// Arrived after the class's start time (or --late-after).
    public let late: Bool
    /// On the class's roll (false: recorded in the class without being a member).
    public let member: Bool
    public let attendanceID: Int64?
    public let capturedAt: String?
    public let classID: String?
    public let deviceID: String?
    public let note: String?
    public let markedBy: String?
    public let excusedBy: String?

    enum CodingKeys: String, CodingKey {
      case name, status, late, member, note
      case personID = "person_id"
      case attendanceID = "attendance_id"
      case capturedAt = "captured_at"
      case classID = "class_id"
      case deviceID = "device_id"
      case markedBy = "marked_by"
      case excusedBy = "excused_by"
    }
  }
  public let day: String
  public let classID: String?
  public let schoolDay: Bool
  public let holiday: String?
  /// The time after which an arrival is late, when one is set (the class's start, else --late-after).
  public let lateAfter: String?
  /// People on the roll on this day (0 on a day that is not a school day).
  public let expected: Int
  public let present: Int
  public let late: Int
  public let manual: Int
  public let excused: Int
  public let absent: Int
  public let entries: [Entry]

  enum CodingKeys: String, CodingKey {
    case day, holiday, expected, present, late, manual, excused, absent, entries
    case classID = "class_id"
    case schoolDay = "school_day"
    case lateAfter = "late_after"
  }
}

extension AttendanceStore {
  /// The roll of `day` for `classID` (nil: everyone enrolled), with `lateAfter` (HH:MM) as the late
  /// line where the class has no start time of its own.
  public func roster(day: Day, classID: String?, lateAfter: String?, timeZone: TimeZone = .current) throws -> Roster {
    try rosters(from: day, to: day, classID: classID, lateAfter: lateAfter, timeZone: timeZone)[0]
  }

  /// The rosters of every day from `first` to `last` (for the chart and the person page), in one
  /// read transaction with the calendar read once. `personID` narrows each roll to that person (the
  /// person page needs no one else's day).
  public func rosters(
    from first: Day, to last: Day, classID: String?, lateAfter: String?, personID: String? = nil,
    timeZone: TimeZone = .current
  ) throws -> [Roster] {
    try reader { db in
      let calendar = try Self.calendar(in: db)
      return try Day.range(first, last).map {
        try Self.roster(
          db, day: $0, classID: classID, personID: personID, lateAfter: lateAfter, calendar: calendar, timeZone: timeZone)
      }
    }
  }

  static func roster(
    _ db: Database, day: Day, classID: String?, personID: String?, lateAfter: String?, calendar: SchoolCalendar,
    timeZone: TimeZone
  ) throws -> Roster {
    let schoolDay = calendar.isSchoolDay(day)
    let onePerson = personID == nil ? "" : "AND p.id = ?"
    // The roll: the class's members, or everyone enrolled; only from the day each was enrolled.
    let rollRows: [Row]
    if let classID {
      rollRows = try Row.fetchAll(
        db,
        sql: """
          SELECT p.id, p.name, p.created_at FROM class_members m JOIN people p ON p.id = m.person_id
          WHERE m.class_id = ? AND p.active = 1 \(onePerson) ORDER BY p.name, p.id
          """, arguments: StatementArguments([classID] + (personID.map { [$0] } ?? [])))
    } else {
      rollRows = try Row.fetchAll(
        db, sql: "SELECT p.id, p.name, p.created_at FROM people p WHERE p.active = 1 \(onePerson) ORDER BY p.name, p.id",
        arguments: StatementArguments(personID.map { [$0] } ?? []))
    }
    let roll = rollRows.filter { row in
      guard let created: Date = row["created_at"] else { return true }
      return Day.today(created, timeZone: timeZone) <= day
    }
    var arguments: StatementArguments = [day.text]
    if let classID { _ = arguments.append(contentsOf: [classID]) }
    if let personID { _ = arguments.append(contentsOf: [personID]) }
    let records = try Row.fetchAll(
      db,
      sql: """
        SELECT a.id, a.person_id, p.name, a.class_id, a.device_id, a.captured_at, a.note, a.marked_by FROM attendance a
        JOIN people p ON p.id = a.person_id
        WHERE a.local_day = ? AND a.direction = 'in' \(classID == nil ? "" : "AND a.class_id = ?") \(onePerson)
        ORDER BY a.captured_at
        """, arguments: arguments)
    var first: [String: Row] = [:]
    for row in records where first[row["person_id"]] == nil { first[row["person_id"]] = row }
    let excusals = try Row.fetchAll(
      db,
      sql: "SELECT person_id, note, actor FROM excusals WHERE local_day = ? AND class_id IN ('', ?)",
      arguments: [day.text, classID ?? ""])
    var excused: [String: Row] = [:]
    for row in excusals { excused[row["person_id"]] = row }

    func lateLine(_ recordClass: String?) -> String? {
      (classID ?? recordClass).flatMap { calendar.classStarts[$0] } ?? lateAfter
    }
    func entry(person: String, name: String, member: Bool) -> Roster.Entry {
      if let record = first[person] {
        let captured: String = record["captured_at"]
        // captured_at is YYYY-MM-DDTHH:MM:SS±HH:MM in the camera's zone: its clock time is characters 11-15.
        let clock = String(captured.dropFirst(11).prefix(5))
        let recordClass: String? = record["class_id"]
        let device: String? = record["device_id"]
        let markedBy: String? = record["marked_by"]
        return Roster.Entry(
          personID: person, name: name, status: markedBy != nil || device == "manual" ? .manual : .present,
          late: lateLine(recordClass).map { clock > $0 } ?? false, member: member, attendanceID: record["id"],
          capturedAt: captured, classID: recordClass, deviceID: device, note: record["note"], markedBy: markedBy,
          excusedBy: nil)
      }
      let excuse = excused[person]
      let status: Roster.Entry.Status = !schoolDay ? .notExpected : excuse != nil ? .excused : .absent
      return Roster.Entry(
        personID: person, name: name, status: status, late: false, member: member, attendanceID: nil, capturedAt: nil,
        classID: classID, deviceID: nil, note: excuse?["note"], markedBy: nil, excusedBy: excuse?["actor"])
    }
    var entries = roll.map { entry(person: $0["id"], name: $0["name"], member: true) }
    // Recorded without being on the roll (a class made by `att-take --class X` has no members).
    let onRoll = Set(roll.map { $0["id"] as String })
    let offRoll = first.values.filter { !onRoll.contains($0["person_id"]) }.sorted {
      ($0["captured_at"] as String) < ($1["captured_at"] as String)
    }
    for row in offRoll { entries.append(entry(person: row["person_id"], name: row["name"], member: false)) }
    let here = entries.filter { $0.status == .present || $0.status == .manual }
    return Roster(
      day: day.text, classID: classID, schoolDay: schoolDay, holiday: calendar.holiday(on: day),
      lateAfter: classID.flatMap { calendar.classStarts[$0] } ?? lateAfter, expected: schoolDay ? roll.count : 0,
      present: here.count, late: here.filter(\.late).count, manual: here.filter { $0.status == .manual }.count,
      excused: entries.filter { $0.status == .excused }.count, absent: entries.filter { $0.status == .absent }.count,
      entries: entries)
  }
}
