import Foundation
import GRDB

/// Enrolment, renames and removals.
extension StoreTransaction {
  /// Enrols the person, or renames and re-activates someone enrolled before (keeping when they
  /// were first enrolled).
  public func savePerson(_ id: String, name: String, at now: Date) throws {
    try db.execute(
      sql: """
        INSERT INTO people (id, name, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)
        ON CONFLICT(id) DO UPDATE SET name = excluded.name, active = 1, updated_at = excluded.updated_at
        """, arguments: [id, name, now, now])
  }

  /// Makes the person a member of the class (created if needed).
  public func addMember(_ personID: String, toClass classID: String, at now: Date) throws {
    try ensureClass(classID, at: now)
    try db.execute(
      sql: "INSERT OR IGNORE INTO class_members (class_id, person_id, joined_at) VALUES (?, ?, ?)",
      arguments: [classID, personID, now])
  }

  /// Adds a face image of the person; false when that file is already a sample.
  public func addSample(
    personID: String, mediaPath: String, sha256: String, source: String, capturedAt: String?, width: Int?, height: Int?,
    quality: String?, at now: Date
  ) throws -> Bool {
    try db.execute(
      sql: """
        INSERT OR IGNORE INTO face_samples (person_id, media_path, sha256, source, captured_at, width, height, quality, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, arguments: [personID, mediaPath, sha256, source, capturedAt, width, height, quality, now])
    return changes > 0
  }

  /// The person's current name; nil for someone never enrolled.
  public func personName(_ id: String) throws -> String? {
    try String.fetchOne(db, sql: "SELECT name FROM people WHERE id = ?", arguments: [id])
  }

  /// How many face images are stored for the person.
  public func sampleCount(of personID: String) throws -> Int {
    try Int.fetchOne(db, sql: "SELECT count(*) FROM face_samples WHERE person_id = ?", arguments: [personID]) ?? 0
  }

  public func rename(_ id: String, to name: String, at now: Date) throws {
    try db.execute(sql: "UPDATE people SET name = ?, updated_at = ? WHERE id = ?", arguments: [name, now, id])
  }

  /// Removes the person. `keepingAttendance` keeps their name and records and erases every
  /// biometric trace (their samples, and with them the embeddings); otherwise everything goes.
  /// Returns the crops of them no row names any longer, deleted by the caller once this commits:
  /// `review`, those kept for review in the media library (their arrivals' and refusals' crops, and
  /// the unknown faces nearest to them), and `camera`, the paths where att-take saved its own copies
  /// (`--snapshots`; only names att-take gives, `CameraCropName`, for this person).
  @discardableResult
  public func removePerson(_ id: String, keepingAttendance: Bool, at now: Date) throws -> (review: [String], camera: [String]) {
    var review: [String] = []
    var camera: [String] = []
    // An unknown face whose nearest enrolled person they were may be them (a photo of them held up
    // that matched nobody): erasure wins over its review.
    for (table, column) in [
      ("attendance", "person_id"), ("liveness_refusals", "person_id"), ("unknown_faces", "nearest_person_id"),
    ] {
      review += try String.fetchAll(
        db, sql: "SELECT media_path FROM \(table) WHERE \(column) = ? AND media_path IS NOT NULL", arguments: [id])
      try db.execute(sql: "UPDATE \(table) SET media_path = NULL WHERE \(column) = ?", arguments: [id])
    }
    for table in ["attendance", "liveness_refusals"] {
      camera += try String.fetchAll(
        db, sql: "SELECT snapshot_path FROM \(table) WHERE person_id = ? AND snapshot_path IS NOT NULL", arguments: [id]
      ).filter { CameraCropName.isCrop($0, of: id) }
      try db.execute(sql: "UPDATE \(table) SET snapshot_path = NULL WHERE person_id = ?", arguments: [id])
    }
    if keepingAttendance {
      try db.execute(sql: "DELETE FROM face_samples WHERE person_id = ?", arguments: [id])
      try db.execute(sql: "UPDATE people SET active = 0, updated_at = ? WHERE id = ?", arguments: [now, id])
    } else {
      try db.execute(sql: "DELETE FROM people WHERE id = ?", arguments: [id])
    }
    return (review, camera)
  }

  // MARK: outbox

  /// Writes `events` to the outbox, to be published after this transaction commits.
  public func enqueue(_ events: [StoreEvent]) throws {
    try AttendanceStore.enqueue(events, in: db)
  }

  /// Deletes outbox events the broker has confirmed.
  public func removeEvents(_ ids: [Int64]) throws {
    try AttendanceStore.removeEvents(ids, in: db)
  }
}
