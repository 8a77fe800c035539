import FaceKit
import Foundation

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
  /// When a change happened, for its rows' stamps (enrolment, audit): the host's clock, or the
  /// school clock att-serve runs on (`--clock-start` in tests and demonstrations).
  public var clock = SchoolClock.system

  public init(store: AttendanceStore, media: MediaLibrary = MediaLibrary()) {
    self.store = store
    self.media = media
  }

  /// Applies `message`. Throws only for transient failures (database busy, disk full) that a retry
  /// may cure; a message that can never succeed comes back as `.rejected` with the reason.
  /// `checked`: the message came from `Message.decode`, which checked it against `MessageLimits`
  /// already (one validation per message on each side).
  public func apply(_ message: Message, checked: Bool = false) throws -> HandlingResult {
    if !checked, let refusal = Self.refusal(message) { return refusal }
    return switch message {
    case .attendance(let m): try apply(m)
    case .register(let m): try apply(m)
    case .removePerson(let m): try apply(m)
    case .renamePerson(let m): try apply(m)
    case .unknownFace(let m): try apply(m)
    case .livenessRefusal(let m): try apply(m)
    case .correction(let m): try apply(m)
    }
  }

  /// Whether a message can share a transaction with others (`apply(batch:)`): camera traffic, which
  /// touches only rows. A registration writes files and decodes images, so it goes on its own.
  public static func isBatchable(_ message: Message) -> Bool {
    switch message {
    case .attendance, .unknownFace, .livenessRefusal: true
    default: false
    }
  }

  /// Applies many batchable messages in one transaction (one commit, one fsync) and returns each
  /// one's result, in order. If anything throws, nothing of the batch is committed. The outbox events
  /// `relayed` (already published) are deleted in the same transaction: a relay needs no commit of
  /// its own, and a crash before it only publishes them again, with the same event ids.
  public func apply(batch messages: [Message], removingRelayed relayed: [Int64] = [], checked: Bool = false) throws
    -> [HandlingResult]
  {
    try store.transaction { tx in
      try tx.removeEvents(relayed)
      return try messages.map { message -> HandlingResult in
        if !checked, let refusal = Self.refusal(message) { return refusal }
        switch message {
        case .attendance(let m): return try apply(m, in: tx)
        case .unknownFace(let m): return try apply(m, in: tx)
        case .livenessRefusal(let m): return try apply(m, in: tx)
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
  func write(_ transaction: StoreTransaction?, _ body: (StoreTransaction) throws -> HandlingResult) throws
    -> HandlingResult
  {
    try withoutActuallyEscaping(body) { body in
      let recording = { (tx: StoreTransaction) throws -> HandlingResult in
        let result = try body(tx)
        if recordsEvents { try tx.enqueue(result.events) }
        return result
      }
      if let transaction { return try recording(transaction) }
      return try store.transaction(recording)
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
    return try apply(message, checked: true)
  }

  // MARK: attendance

  private func apply(_ m: AttendanceMessage, in transaction: StoreTransaction? = nil) throws -> HandlingResult {
    let captured = m.capturedAt
    return try write(transaction) { tx -> HandlingResult in
      if try tx.hasObservation(m.id) {
        return HandlingResult(outcome: .duplicate("observation \(m.id) was already applied"), events: [])
      }
      guard let active = try tx.personIsActive(m.personID) else {
        return rejected("attendance \(m.id): unknown person '\(m.personID)'")
      }
      guard active else { return rejected("attendance \(m.id): person '\(m.personID)' has been removed") }
      let now = clock.now()
      if let classID = m.classID { try tx.ensureClass(classID, at: now) }
      try tx.sawDevice(m.deviceID, at: now)
      var sighting = AttendanceRecord(
        observationID: m.id.uuidString, personID: m.personID, classID: m.classID, deviceID: m.deviceID,
        capturedAt: captured.text, localDay: captured.localDay, recordedAt: now, direction: m.direction.rawValue,
        distance: m.distance, liveness: m.liveness?.verdict, livenessReason: m.liveness?.reason,
        livenessFigures: m.liveness?.figures.map(FiguresJSON.text), snapshotPath: m.snapshotPath)
      guard
        let existing = try tx.dayRecord(
          personID: m.personID, classID: m.classID, localDay: captured.localDay, direction: m.direction.rawValue)
      else {
        // The crop is written before the commit of the row that names it; a later sighting that is
        // only counted writes none.
        sighting.mediaPath = try keepSnapshot(m.jpeg)
        let recordID = try tx.insert(sighting)
        try tx.recordObservation(m.id, attendanceID: recordID, outcome: "recorded", at: now)
        return HandlingResult(
          outcome: .applied("recorded \(m.personID) \(m.direction.rawValue) on \(captured.localDay)"),
          events: [
            .attendanceRecorded(personID: m.personID, classID: m.classID, localDay: captured.localDay, observationID: m.id)
          ])
      }
      try tx.countDuplicate(of: existing.id)
      // Messages can arrive out of order: the earliest sighting of the day is the one kept for 'in'.
      if m.direction == .in, let kept = CapturedTime(existing.capturedAt), captured < kept {
        sighting.mediaPath = try keepSnapshot(m.jpeg)
        try tx.keepSighting(sighting, as: existing.id)
      }
      try tx.recordObservation(m.id, attendanceID: existing.id, outcome: "duplicate", at: now)
      return HandlingResult(
        outcome: .duplicate("\(m.personID) already has \(m.direction.rawValue) on \(captured.localDay); counted as a duplicate"),
        events: [.attendanceDuplicate(personID: m.personID, classID: m.classID, localDay: captured.localDay, observationID: m.id)]
      )
    }
  }

  // MARK: unknown-face

  private func apply(_ m: UnknownFaceMessage, in transaction: StoreTransaction? = nil) throws -> HandlingResult {
    let mediaPath = try keepSnapshot(m.jpeg)
    return try write(transaction) { tx -> HandlingResult in
      try tx.sawDevice(m.deviceID, at: clock.now())
      let logged = try tx.logUnknownFace(
        observationID: m.id, deviceID: m.deviceID, capturedAt: m.capturedAt.text, snapshotPath: m.snapshotPath,
        nearestDistance: m.nearestDistance, nearestPersonID: m.nearestPersonID, mediaPath: mediaPath)
      guard logged else {
        return HandlingResult(outcome: .duplicate("unknown face \(m.id) was already logged"), events: [])
      }
      return HandlingResult(
        outcome: .applied("logged an unknown face on \(m.deviceID)"),
        events: [.unknownFaceSeen(deviceID: m.deviceID, observationID: m.id)])
    }
  }

  /// A snapshot kept for review, written before its row: named by its content (a redelivery writes
  /// nothing new); a file whose row never commits is removed by the retention sweep, which deletes
  /// what no row names.
  private func keepSnapshot(_ jpeg: Data?) throws -> String? {
    guard let jpeg else { return nil }
    let path = media.unknownPath(sha256: jpeg.sha256Hex)
    _ = try media.write(jpeg, to: media.fullPath(path))
    return path
  }

  // MARK: liveness-refusal

  private func apply(_ m: LivenessRefusalMessage, in transaction: StoreTransaction? = nil) throws -> HandlingResult {
    let mediaPath = try keepSnapshot(m.jpeg)
    return try write(transaction) { tx -> HandlingResult in
      guard let active = try tx.personIsActive(m.personID) else {
        return rejected("liveness refusal \(m.id): unknown person '\(m.personID)'")
      }
      guard active else { return rejected("liveness refusal \(m.id): person '\(m.personID)' has been removed") }
      try tx.sawDevice(m.deviceID, at: clock.now())
      guard try tx.logRefusal(m, mediaPath: mediaPath) else {
        return HandlingResult(outcome: .duplicate("liveness refusal \(m.id) was already logged"), events: [])
      }
      return HandlingResult(
        outcome: .applied("logged \(m.personID) not marked on \(m.deviceID) (\(m.verdict.rawValue))"),
        events: [.livenessRefused(personID: m.personID, deviceID: m.deviceID, observationID: m.id)])
    }
  }

  // MARK: correction

  /// An office correction, with its audit row in the same transaction: a correction is never
  /// applied without a record of who made it, nor recorded without being applied.
  private func apply(_ m: CorrectionMessage) throws -> HandlingResult {
    var deletedCrop: String?
    let result = try write(nil) { tx -> HandlingResult in
      if try tx.hasObservation(m.id) {
        return HandlingResult(outcome: .duplicate("correction \(m.id) was already applied"), events: [])
      }
      let now = clock.now()
      func audit(_ action: String, _ target: String, _ details: [String: String]) throws {
        try tx.audit(actor: m.actor, action: action, target: target, details, at: now)
      }
      switch m.change {
      case .markPresent(let person, let classID, let captured):
        guard let active = try tx.personIsActive(person) else {
          return rejected("correction \(m.id): unknown person '\(person)'")
        }
        guard active else { return rejected("correction \(m.id): person '\(person)' has been removed") }
        if let existing = try tx.dayRecord(personID: person, classID: classID, localDay: captured.localDay, direction: "in") {
          let by = existing.markedBy.map { "marked by \($0)" } ?? "seen by \(existing.deviceID ?? "a camera")"
          return HandlingResult(
            outcome: .duplicate(
              "\(person) is already present on \(captured.localDay) (\(existing.capturedAt.dropFirst(11).prefix(5)), \(by))"),
            events: [])
        }
        if let classID { try tx.ensureClass(classID, at: now) }
        let recordID = try tx.insert(
          AttendanceRecord(
            observationID: m.id.uuidString, personID: person, classID: classID, deviceID: nil, capturedAt: captured.text,
            localDay: captured.localDay, recordedAt: now, direction: "in", note: m.note, markedBy: m.actor))
        try tx.recordObservation(m.id, attendanceID: recordID, outcome: "marked by hand", at: now)
        // Present overrides an excuse for the same day and class.
        try tx.dropExcuses(personID: person, classID: classID, localDay: captured.localDay)
        try audit(
          "attendance added", person,
          [
            "attendance_id": "\(recordID)", "day": captured.localDay, "time": captured.clockText,
            "class_id": classID ?? "", "note": m.note ?? "", "observation_id": m.id.uuidString,
          ])
        return HandlingResult(
          outcome: .applied("marked \(person) present on \(captured.localDay)"),
          events: [
            .attendanceRecorded(personID: person, classID: classID, localDay: captured.localDay, observationID: m.id),
            .attendanceCorrected(personID: person, localDay: captured.localDay, action: m.action.rawValue),
          ])
      case .excuse(let person, let classID, let day):
        guard try tx.personIsActive(person) != nil else { return rejected("correction \(m.id): unknown person '\(person)'") }
        if try tx.isPresent(personID: person, localDay: day.text, classID: classID ?? "") {
          return rejected("correction \(m.id): \(person) is present on \(day); delete the record first to excuse them")
        }
        try tx.excuse(personID: person, classID: classID ?? "", localDay: day.text, note: m.note, actor: m.actor, at: now)
        try audit("excused", person, ["day": day.text, "class_id": classID ?? "", "note": m.note ?? ""])
        try tx.recordObservation(m.id, attendanceID: nil, outcome: "correction", at: now)
        return HandlingResult(
          outcome: .applied("excused \(person) on \(day)"),
          events: [.attendanceCorrected(personID: person, localDay: day.text, action: m.action.rawValue)])
      case .unexcuse(let person, let classID, let day):
        guard try tx.personIsActive(person) != nil else { return rejected("correction \(m.id): unknown person '\(person)'") }
        guard try tx.withdrawExcuse(personID: person, classID: classID ?? "", localDay: day.text) else {
          return HandlingResult(outcome: .duplicate("\(person) is not excused on \(day)"), events: [])
        }
        try audit("excuse withdrawn", person, ["day": day.text, "class_id": classID ?? ""])
        try tx.recordObservation(m.id, attendanceID: nil, outcome: "correction", at: now)
        return HandlingResult(
          outcome: .applied("withdrew the excuse of \(person) on \(day)"),
          events: [.attendanceCorrected(personID: person, localDay: day.text, action: m.action.rawValue)])
      case .deleteRecord(let id):
        guard let record = try tx.deleteRecord(id) else { return rejected("correction \(m.id): no attendance record \(id)") }
        deletedCrop = record.mediaPath
        try audit(
          "attendance deleted", record.personID,
          [
            "attendance_id": "\(id)", "day": record.localDay, "class_id": record.classID ?? "", "captured_at": record.capturedAt,
            "device_id": record.deviceID ?? "", "note": m.note ?? "",
          ])
        try tx.recordObservation(m.id, attendanceID: nil, outcome: "correction", at: now)
        return HandlingResult(
          outcome: .applied("deleted attendance record \(id) of \(record.personID) on \(record.localDay)"),
          events: [.attendanceCorrected(personID: record.personID, localDay: record.localDay, action: m.action.rawValue)])
      }
    }
    // A deleted record's crop (a wrong match, a replay that got through) goes with it, at once.
    if case .applied = result.outcome, let deletedCrop, try !store.snapshotInUse(deletedCrop) {
      try? FileManager.default.removeItem(atPath: media.fullPath(deletedCrop))
    }
    return result
  }

  func rejected(_ reason: String) -> HandlingResult {
    HandlingResult(outcome: .rejected(reason), events: [])
  }
}
