import Foundation
import GRDB

/// The day's summary, the per-day counts, the classes, and the CSV exports.
extension AttendanceStore {
  /// Who is present on `day` (first arrival), who is absent against the roll (the class's members,
  /// or everyone enrolled), on a school day and from their enrolment, and who came after the
  /// class's start time or `lateAfter` (HH:MM, camera time).
  public func summary(
    day: Day, classID: String?, lateAfter: String?, now: SchoolNow? = nil, timeZone: TimeZone = .current
  ) throws -> DaySummary {
    let roster = try roster(day: day, classID: classID, lateAfter: lateAfter, now: now, timeZone: timeZone)
    let here = roster.entries.filter { $0.status == .present || $0.status == .manual }.sorted {
      ($0.capturedAt ?? "") < ($1.capturedAt ?? "")
    }
    return DaySummary(
      day: roster.day, classID: classID, lateAfter: roster.lateAfter, schoolDay: roster.schoolDay,
      holiday: roster.holiday, expected: roster.expected,
      present: here.map {
        DaySummary.Present(
          personID: $0.personID, name: $0.name, capturedAt: $0.capturedAt ?? "", deviceID: $0.deviceID, late: $0.late)
      },
      absent: roster.entries.filter { $0.status == .absent }.map { DaySummary.Absent(personID: $0.personID, name: $0.name) },
      excused: roster.excused, late: roster.late, notYet: roster.notYet)
  }

  /// The longest range the per-day counts cover.
  public static let longestReportRange = 400

  /// Present, late, absent and excused per day from `from` to `to`: every school day, and any other
  /// day with a record.
  public func daily(
    from: Day, to: Day, classID: String?, lateAfter: String?, now: SchoolNow? = nil, timeZone: TimeZone = .current
  ) throws -> [DayCount] {
    try rosters(from: from, to: to, classID: classID, lateAfter: lateAfter, now: now, timeZone: timeZone).compactMap { r in
      guard r.schoolDay || r.present > 0 else { return nil }
      return DayCount(
        day: r.day, schoolDay: r.schoolDay, present: r.present, late: r.late, absent: r.absent, excused: r.excused,
        notYet: r.notYet)
    }
  }

  public func classes() throws -> [ClassInfo] {
    try reader { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT c.id, c.name,
                 (SELECT count(*) FROM class_members m JOIN people p ON p.id = m.person_id
                  WHERE m.class_id = c.id AND p.active = 1) AS members,
                 nullif(max(ifnull((SELECT max(local_day) FROM attendance a WHERE a.class_id = c.id), ''),
                            ifnull((SELECT max(a.local_day) FROM attendance a JOIN class_members m ON m.person_id = a.person_id
                                    WHERE m.class_id = c.id AND a.class_id IS NULL), '')), '') AS last_day
          FROM classes c ORDER BY c.id
          """
      ).map { ClassInfo(id: $0["id"], name: $0["name"], members: $0["members"], lastDay: $0["last_day"]) }
    }
  }

  // MARK: exports

  /// The seed's report: `Roll No,Name,Attended,Sessions,Percentage`. Sessions are the days in the
  /// range on which attendance was taken (for the class, if given); Attended the days the person was
  /// recorded on. The people are the class's members, or everyone enrolled.
  /// `today`: days after it are no sessions yet (a range that runs into next week).
  public func summaryCSV(_ filter: AttendanceFilter, today: Day? = nil) throws -> String {
    // The day rule's class clause: a camera without a class counts for the person's classes (the
    // class's members are checked below).
    var arguments = StatementArguments()
    var unclassed = filter
    unclassed.classID = nil
    var clause = unclassed.clause(&arguments)
    if let classID = filter.classID {
      clause += " AND (a.class_id = ? OR a.class_id IS NULL)"
      _ = arguments.append(contentsOf: [classID])
    }
    let calendar = try calendar()
    return try reader { db in
      // The sessions are the school days of the range (from the first to the last day with a record,
      // where the range is not given), each person's from the day they were enrolled, less the days
      // they were excused.
      let span = try Row.fetchOne(
        db, sql: "SELECT min(a.local_day) AS first, max(a.local_day) AS last FROM attendance a WHERE \(clause)",
        arguments: arguments)
      let first = filter.from ?? (span?["first"] as String?).flatMap(Day.init)
      let asked = filter.to ?? (span?["last"] as String?).flatMap(Day.init)
      let last = today.map { today in asked.map { min($0, today) } } ?? asked
      let schoolDays = first.flatMap { first in last.map { Day.range(first, $0).filter(calendar.isSchoolDay) } } ?? []
      // The days each person was recorded on: only those that are sessions for them count, so that
      // Attended never exceeds Sessions (a record before enrolment, or on a day later made a holiday).
      var attended: [String: Set<String>] = [:]
      var classless: [String: Set<String>] = [:]
      for row in try Row.fetchAll(
        db, sql: "SELECT DISTINCT a.person_id, a.local_day, a.class_id IS NULL AS classless FROM attendance a WHERE \(clause)",
        arguments: arguments)
      {
        if filter.classID != nil && (row["classless"] as Bool) {
          classless[row["person_id"], default: []].insert(row["local_day"])
        } else {
          attended[row["person_id"], default: []].insert(row["local_day"])
        }
      }
      var people: [Row]
      if let classID = filter.classID {
        // The class's members, and whoever was recorded for the class in the range without being one.
        people = try Row.fetchAll(
          db,
          sql: """
            SELECT p.id, p.name, p.created_at FROM class_members m JOIN people p ON p.id = m.person_id
            WHERE m.class_id = ? AND p.active = 1
            """, arguments: [classID])
        let members = Set(people.map { $0["id"] as String })
        for (id, days) in classless where members.contains(id) { attended[id, default: []].formUnion(days) }
        for id in attended.keys.sorted() where !members.contains(id) {
          if let row = try Row.fetchOne(
            db, sql: "SELECT id, name, created_at FROM people WHERE id = ? AND active = 1", arguments: [id])
          {
            people.append(row)
          }
        }
        people.sort { ($0["id"] as String) < ($1["id"] as String) }
      } else if let personID = filter.personID {
        people = try Row.fetchAll(db, sql: "SELECT id, name, created_at FROM people WHERE id = ?", arguments: [personID])
      } else {
        people = try Row.fetchAll(db, sql: "SELECT id, name, created_at FROM people WHERE active = 1 ORDER BY id")
      }
      var excused: [String: Set<String>] = [:]
      for row in try Row.fetchAll(
        db, sql: "SELECT person_id, local_day FROM excusals WHERE class_id IN ('', ?)", arguments: [filter.classID ?? ""])
      {
        excused[row["person_id"], default: []].insert(row["local_day"])
      }
      var text = "Roll No,Name,Attended,Sessions,Percentage\r\n"
      for person in people {
        let id: String = person["id"]
        let enrolled = (person["created_at"] as Date?).map { Day.today($0) }
        let sessionDays = schoolDays.filter { day in
          (enrolled.map { $0 <= day } ?? true) && !(excused[id]?.contains(day.text) ?? false)
        }
        let sessions = sessionDays.count
        let count = sessionDays.filter { attended[id]?.contains($0.text) ?? false }.count
        let percentage = sessions == 0 ? 0 : min(100, Double(count) * 100 / Double(sessions))
        text +=
          [
            FeaturesCSV.field(id), FeaturesCSV.field(person["name"]), "\(count)", "\(sessions)",
            String(format: "%.2f", percentage),
          ]
          .joined(separator: ",") + "\r\n"
      }
      return text
    }
  }

  /// The register as CSV (`Register.csv`).
  public func registerCSV(
    classID: String?, from: Day, to: Day, lateAfter: String?, now: SchoolNow? = nil, timeZone: TimeZone = .current
  ) throws -> String {
    try register(classID: classID, from: from, to: to, lateAfter: lateAfter, now: now, timeZone: timeZone).csv
  }

  private static let eventsHeader =
    "id,person_id,name,class_id,device_id,captured_at,local_day,direction,distance,liveness,duplicates,marked_by,note\r\n"

  /// Up to `limit` records of the range after record `after`, in the order they were recorded, as CSV
  /// lines; and the last id written (nil when there are no more). The export reads a million records
  /// in such pages, each in its own short read, so it never holds the database or the memory for long.
  public func eventsCSVPage(_ filter: AttendanceFilter, after: Int64, limit: Int = 5000) throws -> (text: String, last: Int64?) {
    var arguments = StatementArguments()
    let clause = filter.clause(&arguments)
    _ = arguments.append(contentsOf: [after, limit])
    let rows = try reader { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT \(AttendanceRow.columns) FROM attendance a JOIN people p ON p.id = a.person_id
          WHERE \(clause) AND a.id > ? ORDER BY a.id LIMIT ?
          """, arguments: arguments
      ).map(AttendanceRow.init)
    }
    var text = ""
    for r in rows {
      text +=
        [
          "\(r.id)", FeaturesCSV.field(r.personID), FeaturesCSV.field(r.name), FeaturesCSV.field(r.classID ?? ""),
          FeaturesCSV.field(r.deviceID ?? ""), r.capturedAt, r.localDay, r.direction,
          r.distance.map { String(format: "%.4f", $0) } ?? "", r.liveness ?? "", "\(r.duplicates)",
          FeaturesCSV.field(r.markedBy ?? ""), FeaturesCSV.field(r.note ?? ""),
        ].joined(separator: ",") + "\r\n"
    }
    return (text, rows.count == limit ? rows.last?.id : nil)
  }

  /// Every record in the range, one line each, in the order they were recorded, handed to `write` a
  /// page at a time (the HTTP export streams them; `att-serve export` writes them to a file).
  /// `reading` runs each page's query (att-serve hands it to its database threads).
  public func eventsCSV(
    _ filter: AttendanceFilter,
    reading: (@escaping @Sendable () throws -> (text: String, last: Int64?)) async throws -> (text: String, last: Int64?) = {
      try $0()
    },
    write: (String) async throws -> Void
  ) async throws {
    try await write(Self.eventsHeader)
    var after: Int64 = 0
    while true {
      let from = after
      let page = try await reading { try self.eventsCSVPage(filter, after: from) }
      if !page.text.isEmpty { try await write(page.text) }
      guard let last = page.last else { return }
      after = last
    }
  }
}
