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
      /// Not recorded yet on a day still to come, or today before the class starts.
      case notYet = "not-yet"
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
  /// Whether classes have start times of their own (an arrival is late against its class's).
  public let startsByClass: Bool
  /// People on the roll on this day (0 on a day that is not a school day). On a school day the roll
  /// is split with no overlap and nothing left over: `onTime + late + excused + absent + notYet ==
  /// expected`. Those recorded without being on the roll are `visitors`, apart.
  public let expected: Int
  /// On the roll and present: on time or late (`onTime + late`), by a camera or by hand.
  public let present: Int
  public let onTime: Int
  public let late: Int
  /// Of those present, how many were marked by hand.
  public let manual: Int
  public let excused: Int
  public let absent: Int
  public let notYet: Int
  public let visitors: Int
  public let entries: [Entry]

  enum CodingKeys: String, CodingKey {
    case day, holiday, expected, present, late, manual, excused, absent, entries, visitors
    case classID = "class_id"
    case schoolDay = "school_day"
    case lateAfter = "late_after"
    case startsByClass = "starts_by_class"
    case onTime = "on_time"
    case notYet = "not_yet"
  }
}

/// The school's "now", as the day rule needs it: today, and the clock time (HH:MM) in the school's zone.
/// A day after `today`, or today before the late line, is not yet absent.
public struct SchoolNow: Sendable, Equatable {
  public let today: Day
  public let time: String

  public init(today: Day, time: String) {
    self.today = today
    self.time = time
  }

  public init(_ clock: SchoolClock) {
    self.init(today: clock.today(), time: clock.clockTime())
  }
}

/// The one rule for what a day means for a person in a class, used by every view and export (the
/// roster, the person page, the chart, the summary, the register):
/// - the roll is the class's members (everyone enrolled, for all classes), from the day each was
///   enrolled;
/// - an arrival at a camera with no class counts for every class the person belongs to; one at a
///   camera with `--class` counts for that class only (and for all classes);
/// - late is against the class's start time, else the server's `--late-after`; for all classes,
///   against the class of the arrival, else the earliest start of the person's classes;
/// - not recorded: excused (an excusal for the class or for every class; for all classes, any), not
///   a school day, not yet (a day to come, or today before the late line), else absent.
extension AttendanceStore {
  /// The roll of `day` for `classID` (nil: everyone enrolled), with `lateAfter` (HH:MM) as the late
  /// line where the class has no start time of its own.
  public func roster(
    day: Day, classID: String?, lateAfter: String?, now: SchoolNow? = nil, timeZone: TimeZone = .current
  ) throws -> Roster {
    try rosters(from: day, to: day, classID: classID, lateAfter: lateAfter, now: now, timeZone: timeZone)[0]
  }

  /// The rosters of every day from `first` to `last` (for the chart, the person page and the
  /// register), from four reads in one transaction whatever the length of the range: the calendar,
  /// the memberships, the roll, and the range's records and excusals. `personID` narrows each roll
  /// to that person (the person page needs no one else's day).
  public func rosters(
    from first: Day, to last: Day, classID: String?, lateAfter: String?, personID: String? = nil, now: SchoolNow? = nil,
    timeZone: TimeZone = .current
  ) throws -> [Roster] {
    try reader { db in
      let calendar = try Self.calendar(in: db)
      var classesOf: [String: [String]] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT person_id, class_id FROM class_members ORDER BY class_id") {
        classesOf[row["person_id"], default: []].append(row["class_id"])
      }
      let roll = try RollMember.fetch(db, classID: classID, personID: personID, timeZone: timeZone)
      let records = try DayRecord.fetch(db, from: first, to: last, classID: classID, personID: personID)
      var excusals: [String: [(person: String, note: String?, actor: String?)]] = [:]
      for row in try Row.fetchAll(
        db,
        sql: """
          SELECT local_day, person_id, note, actor FROM excusals WHERE local_day BETWEEN ? AND ?
          \(classID == nil ? "" : "AND class_id IN ('', ?)") \(personID == nil ? "" : "AND person_id = ?") ORDER BY class_id
          """,
        arguments: StatementArguments([first.text, last.text] + [classID, personID].compactMap { $0 }))
      {
        excusals[row[0], default: []].append((row[1], row[2], row[3]))
      }
      return Day.range(first, last).map {
        Self.roster(
          day: $0, classID: classID, roll: roll, records: records[$0.text] ?? [], excusals: excusals[$0.text] ?? [],
          lateAfter: lateAfter, calendar: calendar, classesOf: classesOf, now: now, timeZone: timeZone)
      }
    }
  }

  /// A person on the roll, and the day they were enrolled (in the school's zone).
  struct RollMember {
    let id: String
    let name: String
    let enrolled: Day?

    /// The class's active members (everyone active, for all classes), by name.
    static func fetch(_ db: Database, classID: String?, personID: String?, timeZone: TimeZone) throws -> [RollMember] {
      let onePerson = personID == nil ? "" : "AND p.id = ?"
      let sql =
        classID == nil
        ? "SELECT p.id, p.name, p.created_at FROM people p WHERE p.active = 1 \(onePerson) ORDER BY p.name, p.id"
        : """
        SELECT p.id, p.name, p.created_at FROM class_members m JOIN people p ON p.id = m.person_id
        WHERE m.class_id = ? AND p.active = 1 \(onePerson) ORDER BY p.name, p.id
        """
      return try Row.fetchAll(db, sql: sql, arguments: StatementArguments([classID, personID].compactMap { $0 })).map {
        RollMember(id: $0[0], name: $0[1], enrolled: ($0[2] as Date?).map { Day.today($0, timeZone: timeZone) })
      }
    }
  }

  /// An arrival as the rosters read it.
  struct DayRecord {
    let id: Int64
    let personID: String
    let name: String
    let classID: String?
    let deviceID: String?
    let capturedAt: String
    let note: String?
    let markedBy: String?

    /// The range's arrivals by day, each day's in the order they were made; for a class, its own
    /// and those at a camera without a class (whose members are sorted out per day).
    static func fetch(_ db: Database, from: Day, to: Day, classID: String?, personID: String?) throws -> [String: [DayRecord]] {
      var days: [String: [DayRecord]] = [:]
      let rows = try Row.fetchCursor(
        db,
        sql: """
          SELECT a.local_day, a.id, a.person_id, p.name, a.class_id, a.device_id, a.captured_at, a.note, a.marked_by
          FROM attendance a JOIN people p ON p.id = a.person_id
          WHERE a.local_day BETWEEN ? AND ? AND a.direction = 'in'
            \(classID == nil ? "" : """
            AND (a.class_id = ? OR (a.class_id IS NULL AND a.person_id IN (SELECT person_id FROM class_members WHERE class_id = ?)))
            """) \(personID == nil ? "" : "AND a.person_id = ?")
          ORDER BY a.local_day, a.captured_at
          """, arguments: StatementArguments([from.text, to.text] + [classID, classID, personID].compactMap { $0 }))
      while let row = try rows.next() {
        days[row[0], default: []].append(
          DayRecord(
            id: row[1], personID: row[2], name: row[3], classID: row[4], deviceID: row[5], capturedAt: row[6], note: row[7],
            markedBy: row[8]))
      }
      return days
    }
  }

  static func roster(
    day: Day, classID: String?, roll allMembers: [RollMember], records: [DayRecord],
    excusals: [(person: String, note: String?, actor: String?)], lateAfter: String?, calendar: SchoolCalendar,
    classesOf: [String: [String]], now: SchoolNow?, timeZone: TimeZone
  ) -> Roster {
    let schoolDay = calendar.isSchoolDay(day)
    // The roll: only from the day each was enrolled.
    let roll = allMembers.filter { $0.enrolled.map { $0 <= day } ?? true }
    let onRoll = Set(roll.map(\.id))
    var first: [String: DayRecord] = [:]
    for record in records where first[record.personID] == nil {
      // A camera without a class counts for the person's own classes only.
      if classID != nil, record.classID == nil, !onRoll.contains(record.personID) { continue }
      first[record.personID] = record
    }
    var excused: [String: (person: String, note: String?, actor: String?)] = [:]
    for excusal in excusals where excused[excusal.person] == nil { excused[excusal.person] = excusal }

    /// The clock time after which `person` is late: the class's start (the arrival's class for all
    /// classes, else the earliest start of the person's classes), else --late-after.
    func lateLine(_ person: String, _ recordClass: String?) -> String? {
      if let classID { return calendar.classStarts[classID] ?? lateAfter }
      if let recordClass, let start = calendar.classStarts[recordClass] { return start }
      return (classesOf[person] ?? []).compactMap { calendar.classStarts[$0] }.min() ?? lateAfter
    }
    /// Whether the day has not come yet for `person` (a day after today, or today before the line).
    func notYet(_ person: String) -> Bool {
      guard let now else { return false }
      if day > now.today { return true }
      guard day == now.today, let line = lateLine(person, nil) else { return false }
      return now.time <= line
    }
    func entry(person: String, name: String, member: Bool) -> Roster.Entry {
      if let record = first[person] {
        // Late is by the school's clock: a camera in another zone (a host left on UTC) is converted.
        let clock =
          CapturedTime(record.capturedAt)?.clock(in: timeZone) ?? String(record.capturedAt.dropFirst(11).prefix(5))
        return Roster.Entry(
          personID: person, name: name, status: record.markedBy != nil || record.deviceID == "manual" ? .manual : .present,
          late: lateLine(person, record.classID).map { clock > $0 } ?? false, member: member, attendanceID: record.id,
          capturedAt: record.capturedAt, classID: record.classID, deviceID: record.deviceID, note: record.note,
          markedBy: record.markedBy, excusedBy: nil)
      }
      let excuse = excused[person]
      let status: Roster.Entry.Status =
        !schoolDay ? .notExpected : excuse != nil ? .excused : notYet(person) ? .notYet : .absent
      return Roster.Entry(
        personID: person, name: name, status: status, late: false, member: member, attendanceID: nil, capturedAt: nil,
        classID: classID, deviceID: nil, note: excuse?.note, markedBy: nil, excusedBy: excuse?.actor)
    }
    var entries = roll.map { entry(person: $0.id, name: $0.name, member: true) }
    // Recorded without being on the roll (a class made by `att-take --class X` has no members).
    let offRoll = first.values.filter { !onRoll.contains($0.personID) }.sorted { $0.capturedAt < $1.capturedAt }
    for record in offRoll { entries.append(entry(person: record.personID, name: record.name, member: false)) }
    // The counts are of the roll (on a school day they partition it); visitors are counted apart.
    let members = entries.filter(\.member)
    let here = members.filter { $0.status == .present || $0.status == .manual }
    return Roster(
      day: day.text, classID: classID, schoolDay: schoolDay, holiday: calendar.holiday(on: day),
      lateAfter: classID.flatMap { calendar.classStarts[$0] } ?? lateAfter,
      startsByClass: classID == nil && !calendar.classStarts.isEmpty, expected: schoolDay ? roll.count : 0,
      present: here.count, onTime: here.filter { !$0.late }.count, late: here.filter(\.late).count,
      manual: here.filter { $0.status == .manual }.count, excused: members.filter { $0.status == .excused }.count,
      absent: members.filter { $0.status == .absent }.count, notYet: members.filter { $0.status == .notYet }.count,
      visitors: entries.filter { !$0.member && ($0.status == .present || $0.status == .manual) }.count, entries: entries)
  }
}
