import Foundation
import GRDB

extension AttendanceStore {
  public func calendar() throws -> SchoolCalendar {
    try reader { db in try Self.calendar(in: db) }
  }

  static func calendar(in db: Database) throws -> SchoolCalendar {
    let weekdays =
      try String.fetchOne(db, sql: "SELECT value FROM store_facts WHERE key = 'school_weekdays'")?
      .split(separator: ",").compactMap { Int($0) } ?? [1, 2, 3, 4, 5]
    let holidays = try Row.fetchAll(db, sql: "SELECT day, name FROM holidays ORDER BY day").map {
      SchoolCalendar.Holiday(day: $0["day"], name: $0["name"])
    }
    var starts: [String: String] = [:]
    for row in try Row.fetchAll(db, sql: "SELECT id, starts_at FROM classes WHERE starts_at IS NOT NULL") {
      starts[row["id"]] = row["starts_at"]
    }
    return SchoolCalendar(weekdays: weekdays, holidays: holidays, classStarts: starts)
  }

  /// Replaces the calendar, with an audit row saying what changed, in one transaction. Throws
  /// `CalendarProblem` naming the field when it cannot be used.
  public func saveCalendar(_ calendar: SchoolCalendar, actor: String) throws {
    try write { db in
      let classes = Set(try String.fetchAll(db, sql: "SELECT id FROM classes"))
      if let problem = calendar.problem(knownClasses: classes) { throw CalendarProblem(description: problem) }
      let before = try Self.calendar(in: db)
      let weekdays = Array(Set(calendar.weekdays)).sorted()
      try db.execute(
        sql: "INSERT OR REPLACE INTO store_facts (key, value) VALUES ('school_weekdays', ?)",
        arguments: [weekdays.map(String.init).joined(separator: ",")])
      try db.execute(sql: "DELETE FROM holidays")
      for holiday in calendar.holidays {
        try db.execute(
          sql: "INSERT OR REPLACE INTO holidays (day, name) VALUES (?, ?)", arguments: [holiday.day, holiday.name])
      }
      for (classID, start) in calendar.classStarts {
        try db.execute(
          sql: "UPDATE classes SET starts_at = ? WHERE id = ?", arguments: [start.isEmpty ? nil : start, classID])
      }
      var details: [String: String] = [:]
      if before.weekdays != weekdays { details["weekdays"] = weekdays.map(String.init).joined(separator: ",") }
      let added = calendar.holidays.filter { !before.holidays.contains($0) }.map(\.day)
      let dropped = before.holidays.filter { !calendar.holidays.contains($0) }.map(\.day)
      if !added.isEmpty { details["holidays_added"] = added.joined(separator: ",") }
      if !dropped.isEmpty { details["holidays_removed"] = dropped.joined(separator: ",") }
      for (classID, start) in calendar.classStarts where before.classStarts[classID] != start {
        details["starts_at.\(classID)"] = start
      }
      try StoreTransaction(db: db).audit(actor: actor, action: "calendar changed", target: "calendar", details)
    }
  }
}

/// A calendar that cannot be saved, naming the field.
public struct CalendarProblem: Error, CustomStringConvertible {
  public let description: String
}
