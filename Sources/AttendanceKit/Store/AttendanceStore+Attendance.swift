import Foundation
import GRDB

/// The attendance records as the API, the live feed and the exports read them, with bound parameters only.
extension AttendanceStore {
  /// Attendance records, newest first, `limit` at a time; `before` continues from a page's `next_before`.
  public func attendance(_ filter: AttendanceFilter, limit: Int, before: Int64? = nil) throws -> AttendancePage<AttendanceRow> {
    var arguments = StatementArguments()
    var clause = filter.clause(&arguments)
    if let before {
      clause += " AND a.id < ?"
      _ = arguments.append(contentsOf: [before])
    }
    _ = arguments.append(contentsOf: [limit + 1])
    // The page's ids first, from the index alone; then only those rows. (Sorting whole rows of a
    // month of a class costs a table read per row; sorting their ids costs none.)
    let rows = try reader { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT \(AttendanceRow.columns) FROM attendance a JOIN people p ON p.id = a.person_id
          WHERE a.id IN (SELECT a.id FROM attendance a WHERE \(clause) ORDER BY a.id DESC LIMIT ?)
          ORDER BY a.id DESC
          """, arguments: arguments
      ).map(AttendanceRow.init(row:))
    }
    let items = Array(rows.prefix(limit))
    return AttendancePage(items: items, nextBefore: rows.count > limit ? items.last?.id : nil)
  }

  /// One record by its id.
  public func attendanceRecord(_ id: Int64) throws -> AttendanceRow? {
    try reader { db in
      try Row.fetchOne(
        db,
        sql: "SELECT \(AttendanceRow.columns) FROM attendance a JOIN people p ON p.id = a.person_id WHERE a.id = ?",
        arguments: [id]
      ).map(AttendanceRow.init(row:))
    }
  }

  /// Where the crop a camera sent with the record is kept in the media library, if it is.
  public func attendanceSnapshot(_ id: Int64) throws -> String? {
    try reader { db in
      try String.fetchOne(db, sql: "SELECT media_path FROM attendance WHERE id = ?", arguments: [id])
    }
  }

  /// Records committed after `after` (by id), oldest first: the live feed and its catch-up.
  public func feed(after: Int64, limit: Int = 500) throws -> [AttendanceRow] {
    try reader { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT \(AttendanceRow.columns) FROM attendance a JOIN people p ON p.id = a.person_id
          WHERE a.id > ? ORDER BY a.id LIMIT ?
          """, arguments: [after, limit]
      ).map(AttendanceRow.init(row:))
    }
  }

  /// The newest record id (0 for none): where a live feed starts.
  public func lastAttendanceID() throws -> Int64 {
    try reader { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM attendance") ?? 0 }
  }

  /// Seconds since the record was committed (for the live feed's lag metric).
  public func commitAge(of id: Int64) throws -> Double? {
    guard id > 0 else { return nil }
    return try reader { db in
      try Date.fetchOne(db, sql: "SELECT recorded_at FROM attendance WHERE id = ?", arguments: [id]).map {
        Date().timeIntervalSince($0)
      }
    }
  }

  /// A value that changes with people, unknown faces, liveness refusals and corrections, cheaply: a
  /// count and a maximum over people (hundreds or thousands of rows), the newest unknown face's and
  /// refusal's ids and the newest audit row's (every correction, excuse, calendar change and review
  /// writes one). The live feed polls it.
  public func changeStamp() throws -> String {
    try reader { db in
      try String.fetchOne(
        db,
        sql: """
          SELECT (SELECT count(*) FROM people) || ':' || (SELECT ifnull(max(updated_at), '') FROM people)
                 || ':' || (SELECT ifnull(max(id), 0) FROM unknown_faces)
                 || ':' || (SELECT ifnull(max(id), 0) FROM liveness_refusals)
                 || ':' || (SELECT ifnull(max(id), 0) FROM audit_log)
          """) ?? ""
    }
  }

  /// The latest day with a record, if any.
  public func latestDay() throws -> Day? {
    try reader { db in try String.fetchOne(db, sql: "SELECT max(local_day) FROM attendance").flatMap(Day.init) }
  }

  /// Reads the database once (for a health check): throws when it cannot be read.
  public func checkReadable() throws {
    _ = try reader { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM people") }
  }
}
