import FaceKit
import Foundation
import GRDB

/// The one place a message becomes a database change: att-register and att-take call it in-process
/// when no broker is configured, att-worker calls it for every message it consumes. Each message is
/// applied in one transaction; what to publish is returned, to be sent only after that commit.
public struct MessageHandler: Sendable {
  public let store: AttendanceStore
  public let media: MediaLibrary
  /// Whether each transaction also writes its events to the outbox table, for a relay to publish
  /// after the commit (att-worker). Then a crash between commit and publish loses no event: the
  /// outbox row is still there when the worker comes back, even though the message is a duplicate.
  public var recordsEvents = false

  public init(store: AttendanceStore, media: MediaLibrary = MediaLibrary()) {
    self.store = store
    self.media = media
  }

  /// Applies `message`. Throws only for transient failures (database busy, disk full) that a retry
  /// may cure; a message that can never succeed comes back as `.rejected` with the reason.
  public func apply(_ message: Message) throws -> HandlingResult {
    if let refusal = Self.refusal(message) { return refusal }
    return switch message {
    case .attendance(let m): try apply(m)
    case .register(let m): try apply(m)
    case .removePerson(let m): try apply(m)
    case .renamePerson(let m): try apply(m)
    case .unknownFace(let m): try apply(m)
    case .correction(let m): try apply(m)
    }
  }

  /// Whether a message can share a transaction with others (`apply(batch:)`): camera traffic, which
  /// touches only rows. A registration writes files and decodes images, so it goes on its own.
  public static func isBatchable(_ message: Message) -> Bool {
    switch message {
    case .attendance, .unknownFace: true
    default: false
    }
  }

  /// Applies many batchable messages in one transaction (one commit, one fsync) and returns each
  /// one's result, in order. If anything throws, nothing of the batch is committed. The outbox events
  /// `relayed` (already published) are deleted in the same transaction: a relay needs no commit of
  /// its own, and a crash before it only publishes them again, with the same event ids.
  public func apply(batch messages: [Message], removingRelayed relayed: [Int64] = []) throws -> [HandlingResult] {
    try store.writer.write { db in
      try AttendanceStore.removeEvents(relayed, in: db)
      return try messages.map { message -> HandlingResult in
        if let refusal = Self.refusal(message) { return refusal }
        switch message {
        case .attendance(let m): return try apply(m, in: db)
        case .unknownFace(let m): return try apply(m, in: db)
        default: throw HandlerMisuse(type: message.type)
        }
      }
    }
  }

  /// A message that cannot be batched was passed to `apply(batch:)` (a programming error).
  struct HandlerMisuse: Error { let type: String }

  /// A message with a field outside `MessageLimits` is rejected before anything is written.
  private static func refusal(_ message: Message) -> HandlingResult? {
    do throws(MessageError) {
      try message.validate()
      return nil
    } catch {
      return HandlingResult(outcome: .rejected("\(message.type) \(message.id): \(error.description)"), events: [])
    }
  }

  /// Runs `body` in the caller's transaction when there is one, else in a transaction of its own;
  /// the result's events go to the outbox in that same transaction.
  private func write(_ transaction: Database?, _ body: (Database) throws -> HandlingResult) throws -> HandlingResult {
    try withoutActuallyEscaping(body) { body in
      let recording = { (db: Database) throws -> HandlingResult in
        let result = try body(db)
        if recordsEvents { try AttendanceStore.enqueue(result.events, in: db) }
        return result
      }
      if let transaction { return try recording(transaction) }
      return try store.writer.write(recording)
    }
  }

  /// Decodes and applies raw message bytes; undecodable ones are rejected with the reason.
  public func apply(data: Data) throws -> HandlingResult {
    let message: Message
    do {
      message = try Message.decode(data)
    } catch {
      return HandlingResult(outcome: .rejected(error.description), events: [])
    }
    return try apply(message)
  }

  // MARK: attendance

  private func apply(_ m: AttendanceMessage, in transaction: Database? = nil) throws -> HandlingResult {
    // `refusal` (Message.validate) has already checked captured_at; this takes its local day.
    guard let captured = CapturedTime(m.capturedAt) else {
      return rejected("attendance \(m.id): captured_at '\(m.capturedAt)' is not ISO 8601 with a UTC offset")
    }
    return try write(transaction) { db -> HandlingResult in
      // Cached statements: a worker applies thousands of these per second, compiling SQL once.
      if try Row.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM observations WHERE id = ?"), arguments: [m.id.uuidString]) != nil
      {
        return HandlingResult(outcome: .duplicate("observation \(m.id) was already applied"), events: [])
      }
      guard
        let active = try Bool.fetchOne(db.cachedStatement(sql: "SELECT active FROM people WHERE id = ?"), arguments: [m.personID])
      else {
        return rejected("attendance \(m.id): unknown person '\(m.personID)'")
      }
      guard active else { return rejected("attendance \(m.id): person '\(m.personID)' has been removed") }
      let now = Date()
      if let classID = m.classID {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO classes (id, name, created_at) VALUES (?, ?, ?)")
          .execute(arguments: [classID, classID, now])
      }
      try db.cachedStatement(
        sql: """
          INSERT INTO devices (id, last_seen_at) VALUES (?, ?)
          ON CONFLICT(id) DO UPDATE SET last_seen_at = excluded.last_seen_at
          """
      ).execute(arguments: [m.deviceID, now])
      let existing = try Row.fetchOne(
        db.cachedStatement(
          sql: """
            SELECT id, captured_at FROM attendance
            WHERE person_id = ? AND ifnull(class_id, '') = ifnull(?, '') AND local_day = ? AND direction = ?
            """), arguments: [m.personID, m.classID, captured.localDay, m.direction.rawValue])
      let figures = m.liveness?.figures.map(FiguresJSON.text)
      guard let existing else {
        try db.cachedStatement(
          sql: """
            INSERT INTO attendance (observation_id, person_id, class_id, device_id, captured_at, local_day, recorded_at,
                                    direction, distance, liveness, liveness_figures, snapshot_path)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).execute(arguments: [
          m.id.uuidString, m.personID, m.classID, m.deviceID, m.capturedAt, captured.localDay, now,
          m.direction.rawValue, m.distance, m.liveness?.verdict, figures, m.snapshotPath,
        ])
        try recordObservation(db, m.id, attendanceID: db.lastInsertedRowID, outcome: "recorded", at: now)
        return HandlingResult(
          outcome: .applied("recorded \(m.personID) \(m.direction.rawValue) on \(captured.localDay)"),
          events: [
            .attendanceRecorded(personID: m.personID, classID: m.classID, localDay: captured.localDay, observationID: m.id)
          ])
      }
      let attendanceID: Int64 = existing["id"]
      try db.cachedStatement(sql: "UPDATE attendance SET duplicates = duplicates + 1 WHERE id = ?").execute(arguments: [
        attendanceID
      ])
      // Messages can arrive out of order: the earliest sighting of the day is the one kept for 'in'.
      if m.direction == .in, let kept = CapturedTime(existing["captured_at"]), captured < kept {
        try db.cachedStatement(
          sql: """
            UPDATE attendance SET observation_id = ?, device_id = ?, captured_at = ?, distance = ?, liveness = ?,
                                  liveness_figures = ?, snapshot_path = ?
            WHERE id = ?
            """
        ).execute(arguments: [
          m.id.uuidString, m.deviceID, m.capturedAt, m.distance, m.liveness?.verdict, figures,
          m.snapshotPath, attendanceID,
        ])
      }
      try recordObservation(db, m.id, attendanceID: attendanceID, outcome: "duplicate", at: now)
      return HandlingResult(
        outcome: .duplicate("\(m.personID) already has \(m.direction.rawValue) on \(captured.localDay); counted as a duplicate"),
        events: [.attendanceDuplicate(personID: m.personID, classID: m.classID, localDay: captured.localDay, observationID: m.id)]
      )
    }
  }

  private func recordObservation(_ db: Database, _ id: UUID, attendanceID: Int64, outcome: String, at now: Date) throws {
    try db.cachedStatement(sql: "INSERT INTO observations (id, attendance_id, outcome, received_at) VALUES (?, ?, ?, ?)")
      .execute(arguments: [id.uuidString, attendanceID, outcome, now])
  }

  // MARK: register

  private func apply(_ m: RegisterMessage) throws -> HandlingResult {
    // Every crop must decode as a JPEG now: one that does not can never become an embedding.
    var sizes: [(width: Int, height: Int)] = []
    for (index, face) in m.faces.enumerated() {
      guard face.jpeg.starts(with: [0xFF, 0xD8, 0xFF]) else {
        return rejected("register \(m.id): faces[\(index)] is not JPEG data")
      }
      do throws(FaceKitError) {
        let image = try Image(data: face.jpeg, source: "faces[\(index)]", limits: ImageLimits(maxPixels: 25_000_000))
        sizes.append((image.width, image.height))
      } catch {
        return rejected("register \(m.id): \(error.description)")
      }
    }
    // Files first, named by content (rewriting is a no-op); rows second, in one transaction. If the
    // transaction fails, the files this call created are removed again: nothing is half-written.
    var created: [String] = []
    var crops: [(path: String, sha: String, face: FaceCrop, width: Int, height: Int)] = []
    do {
      for (face, size) in zip(m.faces, sizes) {
        let sha = face.jpeg.sha256Hex
        let path = media.relativePath(personID: m.personID, sha256: sha)
        if try media.write(face.jpeg, to: media.fullPath(path)) { created.append(media.fullPath(path)) }
        crops.append((path, sha, face, size.width, size.height))
      }
      return try write(nil) { db -> HandlingResult in
        let now = Date()
        try db.execute(
          sql: """
            INSERT INTO people (id, name, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, active = 1, updated_at = excluded.updated_at
            """, arguments: [m.personID, m.name, now, now])
        if let classID = m.classID {
          try db.execute(
            sql: "INSERT OR IGNORE INTO classes (id, name, created_at) VALUES (?, ?, ?)",
            arguments: [classID, classID, now])
          try db.execute(
            sql: "INSERT OR IGNORE INTO class_members (class_id, person_id, joined_at) VALUES (?, ?, ?)",
            arguments: [classID, m.personID, now])
        }
        var added = 0
        for crop in crops {
          let quality = crop.face.quality.map(FiguresJSON.text)
          try db.execute(
            sql: """
              INSERT OR IGNORE INTO face_samples (person_id, media_path, sha256, source, captured_at, width, height,
                                                  quality, created_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
              """,
            arguments: [m.personID, crop.path, crop.sha, m.source, m.capturedAt, crop.width, crop.height, quality, now])
          added += db.changesCount
        }
        var events: [StoreEvent] = [.personRegistered(personID: m.personID, newSamples: added)]
        if added > 0 { events.append(.galleryChanged) }
        let outcome: HandlingResult.Outcome =
          added > 0 || m.faces.isEmpty
          ? .applied("registered \(m.personID) (\(m.name)) with \(added) new face sample(s)")
          : .duplicate("every face of register \(m.id) is already stored for \(m.personID)")
        return HandlingResult(outcome: outcome, events: events)
      }
    } catch {
      for path in created { try? FileManager.default.removeItem(atPath: path) }
      throw error
    }
  }

  // MARK: remove-person

  private func apply(_ m: RemovePersonMessage) throws -> HandlingResult {
    let result = try write(nil) { db -> HandlingResult in
      guard let person = try Row.fetchOne(db, sql: "SELECT name FROM people WHERE id = ?", arguments: [m.personID]) else {
        return rejected("remove-person \(m.id): unknown person '\(m.personID)'")
      }
      if let actor = m.actor {
        let samples = try Int.fetchOne(db, sql: "SELECT count(*) FROM face_samples WHERE person_id = ?", arguments: [m.personID]) ?? 0
        try Self.audit(
          db, actor: actor, action: "remove", target: m.personID,
          ["name": person["name"], "samples": "\(samples)", "attendance_kept": m.keepAttendance ? "yes" : "no"])
      }
      if m.keepAttendance {
        // Keep the person's name and records; erase every biometric trace (samples cascade to embeddings).
        try db.execute(sql: "DELETE FROM face_samples WHERE person_id = ?", arguments: [m.personID])
        try db.execute(sql: "UPDATE people SET active = 0, updated_at = ? WHERE id = ?", arguments: [Date(), m.personID])
      } else {
        try db.execute(sql: "DELETE FROM people WHERE id = ?", arguments: [m.personID])
      }
      return HandlingResult(
        outcome: .applied("removed \(m.personID)\(m.keepAttendance ? ", attendance kept" : " and their attendance")"),
        events: [.personRemoved(personID: m.personID, keptAttendance: m.keepAttendance), .galleryChanged])
    }
    if case .applied = result.outcome { try media.erase(personID: m.personID) }
    return result
  }

  // MARK: unknown-face

  private func apply(_ m: UnknownFaceMessage, in transaction: Database? = nil) throws -> HandlingResult {
    // The snapshot file first, named by its content (a redelivery writes nothing new); a file whose
    // row never commits is removed by the retention sweep, which deletes what no row names.
    var mediaPath: String?
    if let jpeg = m.jpeg {
      let path = media.unknownPath(sha256: jpeg.sha256Hex)
      _ = try media.write(jpeg, to: media.fullPath(path))
      mediaPath = path
    }
    return try write(transaction) { db -> HandlingResult in
      try db.execute(
        sql: """
          INSERT INTO devices (id, last_seen_at) VALUES (?, ?)
          ON CONFLICT(id) DO UPDATE SET last_seen_at = excluded.last_seen_at
          """, arguments: [m.deviceID, Date()])
      try db.execute(
        sql: """
          INSERT OR IGNORE INTO unknown_faces (observation_id, device_id, captured_at, snapshot_path, nearest_distance,
                                               nearest_person_id, media_path)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          m.id.uuidString, m.deviceID, m.capturedAt, m.snapshotPath, m.nearestDistance, m.nearestPersonID, mediaPath,
        ])
      guard db.changesCount > 0 else {
        return HandlingResult(outcome: .duplicate("unknown face \(m.id) was already logged"), events: [])
      }
      return HandlingResult(
        outcome: .applied("logged an unknown face on \(m.deviceID)"),
        events: [.unknownFaceSeen(deviceID: m.deviceID, observationID: m.id)])
    }
  }

  // MARK: rename-person

  private func apply(_ m: RenamePersonMessage) throws -> HandlingResult {
    try write(nil) { db -> HandlingResult in
      guard let previous = try String.fetchOne(db, sql: "SELECT name FROM people WHERE id = ?", arguments: [m.personID]) else {
        return rejected("rename-person \(m.id): unknown person '\(m.personID)'")
      }
      if previous == m.name {
        return HandlingResult(outcome: .duplicate("\(m.personID) is already named \(m.name)"), events: [])
      }
      try db.execute(sql: "UPDATE people SET name = ?, updated_at = ? WHERE id = ?", arguments: [m.name, Date(), m.personID])
      if let actor = m.actor { try Self.audit(db, actor: actor, action: "rename", target: m.personID, ["from": previous, "to": m.name]) }
      return HandlingResult(
        outcome: .applied("renamed \(m.personID) from \(previous) to \(m.name)"),
        events: [.personRenamed(personID: m.personID, name: m.name)])
    }
  }

  // MARK: correction

  /// An office correction, with its audit row in the same transaction: a correction is never
  /// applied without a record of who made it, nor recorded without being applied.
  private func apply(_ m: CorrectionMessage) throws -> HandlingResult {
    try write(nil) { db -> HandlingResult in
      if try Row.fetchOne(db, sql: "SELECT 1 FROM observations WHERE id = ?", arguments: [m.id.uuidString]) != nil {
        return HandlingResult(outcome: .duplicate("correction \(m.id) was already applied"), events: [])
      }
      let now = Date()
      func audit(_ action: String, _ target: String, _ details: [String: String]) throws {
        try Self.audit(db, actor: m.actor, action: action, target: target, details, at: now)
      }
      func activePerson(_ id: String) throws -> Bool? {
        try Bool.fetchOne(db, sql: "SELECT active FROM people WHERE id = ?", arguments: [id])
      }
      switch m.action {
      case .markPresent:
        let person = m.personID!
        guard let captured = CapturedTime(m.capturedAt!) else {
          return rejected("correction \(m.id): captured_at '\(m.capturedAt!)' is not ISO 8601 with a UTC offset")
        }
        guard let active = try activePerson(person) else { return rejected("correction \(m.id): unknown person '\(person)'") }
        guard active else { return rejected("correction \(m.id): person '\(person)' has been removed") }
        if let existing = try Row.fetchOne(
          db,
          sql: """
            SELECT captured_at, device_id, marked_by FROM attendance
            WHERE person_id = ? AND ifnull(class_id, '') = ifnull(?, '') AND local_day = ? AND direction = 'in'
            """, arguments: [person, m.classID, captured.localDay])
        {
          let at: String = existing["captured_at"]
          let by = (existing["marked_by"] as String?).map { "marked by \($0)" } ?? "seen by \((existing["device_id"] as String?) ?? "a camera")"
          return HandlingResult(
            outcome: .duplicate("\(person) is already present on \(captured.localDay) (\(at.dropFirst(11).prefix(5)), \(by))"),
            events: [])
        }
        if let classID = m.classID {
          try db.execute(sql: "INSERT OR IGNORE INTO classes (id, name, created_at) VALUES (?, ?, ?)", arguments: [classID, classID, now])
        }
        try db.execute(
          sql: """
            INSERT INTO attendance (observation_id, person_id, class_id, device_id, captured_at, local_day, recorded_at,
                                    direction, note, marked_by)
            VALUES (?, ?, ?, NULL, ?, ?, ?, 'in', ?, ?)
            """, arguments: [m.id.uuidString, person, m.classID, m.capturedAt, captured.localDay, now, m.note, m.actor])
        let record = db.lastInsertedRowID
        try recordObservation(db, m.id, attendanceID: record, outcome: "marked by hand", at: now)
        // Present overrides an excuse for the same day and class.
        try db.execute(
          sql: "DELETE FROM excusals WHERE person_id = ? AND class_id IN ('', ?) AND local_day = ?",
          arguments: [person, m.classID ?? "", captured.localDay])
        try audit(
          "attendance added", person,
          [
            "attendance_id": "\(record)", "day": captured.localDay, "time": String(m.capturedAt!.dropFirst(11).prefix(5)),
            "class_id": m.classID ?? "", "note": m.note ?? "", "observation_id": m.id.uuidString,
          ])
        return HandlingResult(
          outcome: .applied("marked \(person) present on \(captured.localDay)"),
          events: [
            .attendanceRecorded(personID: person, classID: m.classID, localDay: captured.localDay, observationID: m.id),
            .attendanceCorrected(personID: person, localDay: captured.localDay, action: m.action.rawValue),
          ])
      case .excuse, .unexcuse:
        let person = m.personID!, day = m.day!, classID = m.classID ?? ""
        guard try activePerson(person) != nil else { return rejected("correction \(m.id): unknown person '\(person)'") }
        if m.action == .excuse {
          if try Row.fetchOne(
            db,
            sql: "SELECT 1 FROM attendance WHERE person_id = ? AND local_day = ? AND direction = 'in' AND (? = '' OR class_id = ?)",
            arguments: [person, day, classID, classID]) != nil
          {
            return rejected("correction \(m.id): \(person) is present on \(day); delete the record first to excuse them")
          }
          try db.execute(
            sql: """
              INSERT INTO excusals (person_id, class_id, local_day, note, actor, created_at) VALUES (?, ?, ?, ?, ?, ?)
              ON CONFLICT(person_id, class_id, local_day) DO UPDATE SET note = excluded.note, actor = excluded.actor
              """, arguments: [person, classID, day, m.note, m.actor, now])
          try audit("excused", person, ["day": day, "class_id": classID, "note": m.note ?? ""])
        } else {
          try db.execute(
            sql: "DELETE FROM excusals WHERE person_id = ? AND class_id = ? AND local_day = ?", arguments: [person, classID, day])
          guard db.changesCount > 0 else {
            return HandlingResult(outcome: .duplicate("\(person) is not excused on \(day)"), events: [])
          }
          try audit("excuse withdrawn", person, ["day": day, "class_id": classID])
        }
        try recordCorrection(db, m.id, at: now)
        return HandlingResult(
          outcome: .applied("\(m.action == .excuse ? "excused" : "withdrew the excuse of") \(person) on \(day)"),
          events: [.attendanceCorrected(personID: person, localDay: day, action: m.action.rawValue)])
      case .deleteRecord:
        let id = m.attendanceID!
        guard
          let row = try Row.fetchOne(
            db, sql: "SELECT person_id, local_day, class_id, captured_at, device_id, note FROM attendance WHERE id = ?",
            arguments: [id])
        else { return rejected("correction \(m.id): no attendance record \(id)") }
        // Its observations stay, unlinked, so that a replayed camera message cannot bring it back.
        try db.execute(
          sql: "UPDATE observations SET attendance_id = NULL, outcome = 'corrected away' WHERE attendance_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM attendance WHERE id = ?", arguments: [id])
        let person: String = row["person_id"], day: String = row["local_day"]
        try audit(
          "attendance deleted", person,
          [
            "attendance_id": "\(id)", "day": day, "class_id": (row["class_id"] as String?) ?? "",
            "captured_at": row["captured_at"], "device_id": (row["device_id"] as String?) ?? "", "note": m.note ?? "",
          ])
        try recordCorrection(db, m.id, at: now)
        return HandlingResult(
          outcome: .applied("deleted attendance record \(id) of \(person) on \(day)"),
          events: [.attendanceCorrected(personID: person, localDay: day, action: m.action.rawValue)])
      }
    }
  }

  /// An audit row, written in the transaction of the change it records.
  static func audit(
    _ db: Database, actor: String, action: String, target: String, _ details: [String: String], at now: Date = Date()
  ) throws {
    let json = String(decoding: try JSONEncoder.att.encode(details), as: UTF8.self)
    try db.execute(
      sql: "INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)",
      arguments: [now, actor, action, target, json])
  }

  /// A correction's id among the observations: applied once, however often it is delivered.
  private func recordCorrection(_ db: Database, _ id: UUID, at now: Date) throws {
    try db.execute(
      sql: "INSERT INTO observations (id, attendance_id, outcome, received_at) VALUES (?, NULL, 'correction', ?)",
      arguments: [id.uuidString, now])
  }

  private func rejected(_ reason: String) -> HandlingResult {
    HandlingResult(outcome: .rejected(reason), events: [])
  }
}
