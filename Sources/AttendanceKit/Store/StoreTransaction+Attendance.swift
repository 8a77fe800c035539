import Foundation
import GRDB

/// Sightings, marks by hand and excuses. The camera path runs thousands of these a second in a
/// worker, so its statements are cached: each is compiled once per connection.
extension StoreTransaction {
  /// Whether a message with this id (a sighting or a correction) was already applied.
  public func hasObservation(_ id: UUID) throws -> Bool {
    try Row.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM observations WHERE id = ?"), arguments: [id.uuidString]) != nil
  }

  /// Whether the person is enrolled (true), removed with their attendance kept (false), or unknown (nil).
  public func personIsActive(_ id: String) throws -> Bool? {
    try Bool.fetchOne(db.cachedStatement(sql: "SELECT active FROM people WHERE id = ?"), arguments: [id])
  }

  /// Creates the class, named by its id, unless it exists.
  public func ensureClass(_ id: String, at now: Date) throws {
    try db.cachedStatement(sql: "INSERT OR IGNORE INTO classes (id, name, created_at) VALUES (?, ?, ?)")
      .execute(arguments: [id, id, now])
  }

  /// Creates the camera, or notes that it was seen now.
  public func sawDevice(_ id: String, at now: Date) throws {
    try db.cachedStatement(
      sql: """
        INSERT INTO devices (id, last_seen_at) VALUES (?, ?)
        ON CONFLICT(id) DO UPDATE SET last_seen_at = excluded.last_seen_at
        """
    ).execute(arguments: [id, now])
  }

  /// What a new sighting or a mark by hand needs of the record a day already has.
  public struct DayRecord: Sendable {
    public let id: Int64
    public let capturedAt: String
    public let deviceID: String?
    public let markedBy: String?
  }

  /// The person's record of the day for the class (nil: no class) and direction, if there is one.
  /// Only the columns a duplicate needs: this runs for every camera message.
  public func dayRecord(personID: String, classID: String?, localDay: String, direction: String) throws -> DayRecord? {
    try Row.fetchOne(
      db.cachedStatement(
        sql: """
          SELECT id, captured_at, device_id, marked_by FROM attendance
          WHERE person_id = ? AND ifnull(class_id, '') = ifnull(?, '') AND local_day = ? AND direction = ?
          """), arguments: [personID, classID, localDay, direction]
    ).map { DayRecord(id: $0["id"], capturedAt: $0["captured_at"], deviceID: $0["device_id"], markedBy: $0["marked_by"]) }
  }

  /// Whether the person arrived on `day` (in the class, or in any class when `classID` is "").
  public func isPresent(personID: String, localDay: String, classID: String) throws -> Bool {
    try Row.fetchOne(
      db,
      sql: "SELECT 1 FROM attendance WHERE person_id = ? AND local_day = ? AND direction = 'in' AND (? = '' OR class_id = ?)",
      arguments: [personID, localDay, classID, classID]) != nil
  }

  /// Inserts a new record and returns its id (a cached statement: this runs for every new sighting).
  public func insert(_ record: AttendanceRecord) throws -> Int64 {
    try db.cachedStatement(
      sql: """
        INSERT INTO attendance (observation_id, person_id, class_id, device_id, captured_at, local_day, recorded_at,
                                direction, distance, liveness, liveness_reason, liveness_figures, snapshot_path, note,
                                marked_by, media_path)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      record.observationID, record.personID, record.classID, record.deviceID, record.capturedAt, record.localDay,
      record.recordedAt, record.direction, record.distance, record.liveness, record.livenessReason, record.livenessFigures,
      record.snapshotPath, record.note, record.markedBy, record.mediaPath,
    ])
    return db.lastInsertedRowID
  }

  /// Counts a later sighting against the day's record.
  public func countDuplicate(of recordID: Int64) throws {
    try db.cachedStatement(sql: "UPDATE attendance SET duplicates = duplicates + 1 WHERE id = ?").execute(arguments: [recordID])
  }

  /// Makes `sighting` (an earlier one that arrived late) the record `recordID` keeps.
  public func keepSighting(_ sighting: AttendanceRecord, as recordID: Int64) throws {
    try db.cachedStatement(
      sql: """
        UPDATE attendance SET observation_id = ?, device_id = ?, captured_at = ?, distance = ?, liveness = ?,
                              liveness_reason = ?, liveness_figures = ?, snapshot_path = ?, media_path = ?
        WHERE id = ?
        """
    ).execute(arguments: [
      sighting.observationID, sighting.deviceID, sighting.capturedAt, sighting.distance, sighting.liveness,
      sighting.livenessReason, sighting.livenessFigures, sighting.snapshotPath, sighting.mediaPath, recordID,
    ])
  }

  /// Records that the message `id` was applied, and to which record (nil for a correction).
  public func recordObservation(_ id: UUID, attendanceID: Int64?, outcome: String, at now: Date) throws {
    try db.cachedStatement(sql: "INSERT INTO observations (id, attendance_id, outcome, received_at) VALUES (?, ?, ?, ?)")
      .execute(arguments: [id.uuidString, attendanceID, outcome, now])
  }

  /// Deletes a record and returns what it was; its observations stay, unlinked, so that a replayed
  /// camera message cannot bring it back. Nil when there is no such record.
  public func deleteRecord(_ id: Int64) throws -> AttendanceRecord? {
    guard let record = try AttendanceRecord.fetchOne(db, key: id) else { return nil }
    try db.execute(
      sql: "UPDATE observations SET attendance_id = NULL, outcome = 'corrected away' WHERE attendance_id = ?", arguments: [id])
    _ = try AttendanceRecord.deleteOne(db, key: id)
    return record
  }

  // MARK: excuses

  /// Excuses the person on `localDay` (in the class, or in every class when `classID` is ""), or
  /// replaces the note of an excuse already given.
  public func excuse(personID: String, classID: String, localDay: String, note: String?, actor: String, at now: Date) throws {
    try db.execute(
      sql: """
        INSERT INTO excusals (person_id, class_id, local_day, note, actor, created_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(person_id, class_id, local_day) DO UPDATE SET note = excluded.note, actor = excluded.actor
        """, arguments: [personID, classID, localDay, note, actor, now])
  }

  /// Withdraws exactly this excuse; false when there was none.
  public func withdrawExcuse(personID: String, classID: String, localDay: String) throws -> Bool {
    try db.execute(
      sql: "DELETE FROM excusals WHERE person_id = ? AND class_id = ? AND local_day = ?",
      arguments: [personID, classID, localDay])
    return changes > 0
  }

  /// Drops the excuses a presence overrides: the class's and the all-class one of that day.
  public func dropExcuses(personID: String, classID: String?, localDay: String) throws {
    try db.execute(
      sql: "DELETE FROM excusals WHERE person_id = ? AND class_id IN ('', ?) AND local_day = ?",
      arguments: [personID, classID ?? "", localDay])
  }

  // MARK: unknown faces

  /// Logs a face no one matched; false when this observation was already logged.
  public func logUnknownFace(
    observationID: UUID, deviceID: String, capturedAt: String, snapshotPath: String?, nearestDistance: Double?,
    nearestPersonID: String?, mediaPath: String?
  ) throws -> Bool {
    try db.cachedStatement(
      sql: """
        INSERT OR IGNORE INTO unknown_faces (observation_id, device_id, captured_at, snapshot_path, nearest_distance,
                                             nearest_person_id, media_path)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      observationID.uuidString, deviceID, capturedAt, snapshotPath, nearestDistance, nearestPersonID, mediaPath,
    ])
    return changes > 0
  }

  // MARK: liveness refusals

  /// Logs a recognised person not marked for liveness; false when this observation was already logged.
  public func logRefusal(_ m: LivenessRefusalMessage, mediaPath: String?) throws -> Bool {
    let figures = try m.figures.map { String(decoding: try JSONEncoder.att.encode($0), as: UTF8.self) }
    try db.cachedStatement(
      sql: """
        INSERT OR IGNORE INTO liveness_refusals (observation_id, person_id, device_id, class_id, direction, captured_at,
                                                 local_day, verdict, reason, distance, figures, snapshot_path, media_path)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      m.id.uuidString, m.personID, m.deviceID, m.classID, m.direction.rawValue, m.capturedAt.text, m.capturedAt.localDay,
      m.verdict.rawValue, m.reason, m.distance, figures, m.snapshotPath, mediaPath,
    ])
    return changes > 0
  }
}
