import Foundation

/// The sane range of every field a message (or the admin API) may carry, stated once. A value
/// outside it can never be meant (a 5 MB snapshot path, the year 0000), so the message is refused
/// with the field and the limit named, before anything is written.
public enum MessageLimits {
  /// A whole message body as it travels through the broker (a registration carries its JPEGs).
  public static let bodyBytes = 32 << 20
  /// Person and class ids: also folder names under media/ (see `PersonIdentity`).
  public static let idLength = 64
  /// A camera's device id (`host:source`).
  public static let deviceIDLength = 256
  /// A display name.
  public static let nameLength = 200
  /// Where a registration's faces came from (a path or camera:N), and a snapshot's path.
  public static let pathLength = 1024
  /// A liveness verdict or reason.
  public static let verdictLength = 200
  /// Entries in a figures dictionary (quality, liveness), and the length of each key.
  public static let figureCount = 32
  public static let figureKeyLength = 64
  /// Faces in one registration, and the bytes of one JPEG crop.
  public static let facesPerMessage = 100
  public static let jpegBytes = 10 << 20
  /// A snapshot kept for review (an unknown face's, a liveness refusal's, an arrival's: a crop of a
  /// face and its surroundings).
  public static let snapshotBytes = 1 << 20
  /// Face descriptor distances are 0 (identical) to 2 (opposite unit vectors); anything else is absurd.
  public static let distance: ClosedRange<Double> = 0...2
  /// Years a camera clock or a manual correction may name.
  public static let years: ClosedRange<Int> = 2000...2099
  /// UTC offsets in use on Earth: -12:00 to +14:00, in seconds.
  public static let utcOffsets: ClosedRange<Int> = -12 * 3600...14 * 3600
  /// A note on a manual correction (kept in the audit log).
  public static let noteLength = 500

  /// A problem with a free-text field, or nil: too long, or holding control characters (a line
  /// break in a device id would forge log lines).
  package static func checkText(_ value: String, field: String, maxLength: Int, allowEmpty: Bool = false) -> String? {
    if value.isEmpty { return allowEmpty ? nil : "is empty" }
    if value.utf8.count > maxLength * 4 || value.count > maxLength { return "is longer than \(maxLength) characters" }
    if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
      return "contains control characters"
    }
    if value.unicodeScalars.contains(where: \.properties.isBidiControl) {
      return "contains a text-direction control (such as U+202E), which can disguise how it reads"
    }
    return nil
  }

  /// A problem with the note of a manual correction, or nil.
  public static func checkNote(_ note: String) -> String? {
    if note.count > noteLength { return "is longer than \(noteLength) characters" }
    if note.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) {
      return "contains control characters"
    }
    return nil
  }

  static func checkFigures(_ figures: [String: Double]) -> String? {
    if figures.count > figureCount { return "has \(figures.count) entries (at most \(figureCount))" }
    for (key, value) in figures {
      if key.isEmpty || key.count > figureKeyLength { return "has a key of \(key.count) characters (1 to \(figureKeyLength))" }
      if !value.isFinite { return "'\(key.prefix(figureKeyLength))' is not a finite number" }
    }
    return nil
  }
}

extension Message {
  /// Checks every field against `MessageLimits`: the first problem, naming the field and the limit.
  /// Once per message on each side: a queue producer before spooling it, `Message.decode` on the
  /// worker (the handler then skips it), the handler for a message applied in-process.
  public func validate() throws(MessageError) {
    Message.validations.add(1, ordering: .relaxed)
    func fail(_ field: String, _ reason: String) -> MessageError { .invalidField(type: type, field: field, reason: reason) }
    func text(_ value: String, _ field: String, _ maxLength: Int) throws(MessageError) {
      if let problem = MessageLimits.checkText(value, field: field, maxLength: maxLength) { throw fail(field, problem) }
    }
    func id(_ value: String, _ field: String) throws(MessageError) {
      if let problem = PersonIdentity.validate(id: value) {
        throw fail(field, problem.replacingOccurrences(of: "person id", with: field == "class" ? "class id" : "person id"))
      }
    }
    // A time or a day was parsed when the message was decoded; one made on this host is checked
    // for a clock in another century.
    func time(_ value: CapturedTime, _ field: String) throws(MessageError) {
      if !value.isWithinLimits { throw fail(field, "'\(value.text)' is outside the years \(Day.years)") }
    }
    func distance(_ value: Double?, _ field: String) throws(MessageError) {
      guard let value else { return }
      guard value.isFinite, MessageLimits.distance.contains(value) else {
        throw fail(field, "\(value) is outside \(MessageLimits.distance.lowerBound)...\(MessageLimits.distance.upperBound)")
      }
    }
    // A snapshot the server keeps for review: small, and a JPEG.
    func snapshotJPEG(_ jpeg: Data?) throws(MessageError) {
      guard let jpeg else { return }
      if jpeg.count > MessageLimits.snapshotBytes {
        throw fail("jpeg", "is \(jpeg.count) bytes (at most \(MessageLimits.snapshotBytes))")
      }
      if !jpeg.starts(with: [0xFF, 0xD8, 0xFF]) { throw fail("jpeg", "is not JPEG data") }
    }
    switch self {
    case .register(let m):
      try id(m.personID, "person_id")
      if let problem = PersonIdentity.validate(name: m.name) { throw fail("name", problem) }
      try text(m.source, "source", MessageLimits.pathLength)
      try time(m.capturedAt, "captured_at")
      if let classID = m.classID { try id(classID, "class") }
      if m.faces.count > MessageLimits.facesPerMessage {
        throw fail("faces", "has \(m.faces.count) crops (at most \(MessageLimits.facesPerMessage))")
      }
      for (index, face) in m.faces.enumerated() {
        if face.jpeg.count > MessageLimits.jpegBytes {
          throw fail("faces[\(index)].jpeg", "is \(face.jpeg.count) bytes (at most \(MessageLimits.jpegBytes))")
        }
        if let quality = face.quality, let problem = MessageLimits.checkFigures(quality) {
          throw fail("faces[\(index)].quality", problem)
        }
      }
    case .attendance(let m):
      try id(m.personID, "person_id")
      try text(m.deviceID, "device_id", MessageLimits.deviceIDLength)
      if let classID = m.classID { try id(classID, "class") }
      try time(m.capturedAt, "captured_at")
      try distance(m.distance, "distance")
      if let liveness = m.liveness {
        try text(liveness.verdict, "liveness.verdict", MessageLimits.verdictLength)
        if let reason = liveness.reason { try text(reason, "liveness.reason", MessageLimits.verdictLength) }
        if let figures = liveness.figures, let problem = MessageLimits.checkFigures(figures) {
          throw fail("liveness.figures", problem)
        }
      }
      if let snapshot = m.snapshotPath { try text(snapshot, "snapshot", MessageLimits.pathLength) }
      try snapshotJPEG(m.jpeg)
    case .removePerson(let m):
      try id(m.personID, "person_id")
      if let actor = m.actor { try text(actor, "actor", MessageLimits.nameLength) }
    case .renamePerson(let m):
      try id(m.personID, "person_id")
      if let actor = m.actor { try text(actor, "actor", MessageLimits.nameLength) }
      if let problem = PersonIdentity.validate(name: m.name) { throw fail("name", problem) }
    case .unknownFace(let m):
      try text(m.deviceID, "device_id", MessageLimits.deviceIDLength)
      try time(m.capturedAt, "captured_at")
      try distance(m.nearestDistance, "nearest_distance")
      if let nearest = m.nearestPersonID { try id(nearest, "nearest_person_id") }
      if let snapshot = m.snapshotPath { try text(snapshot, "snapshot", MessageLimits.pathLength) }
      try snapshotJPEG(m.jpeg)
    case .livenessRefusal(let m):
      try id(m.personID, "person_id")
      try text(m.deviceID, "device_id", MessageLimits.deviceIDLength)
      if let classID = m.classID { try id(classID, "class") }
      try time(m.capturedAt, "captured_at")
      try distance(m.distance, "distance")
      try text(m.reason, "reason", MessageLimits.verdictLength)
      if let figures = m.figures, let problem = MessageLimits.checkFigures(figures) { throw fail("figures", problem) }
      if let snapshot = m.snapshotPath { try text(snapshot, "snapshot", MessageLimits.pathLength) }
      try snapshotJPEG(m.jpeg)
    case .correction(let m):
      try text(m.actor, "actor", MessageLimits.nameLength)
      if let note = m.note, let problem = MessageLimits.checkNote(note) { throw fail("note", problem) }
      if let personID = m.personID { try id(personID, "person_id") }
      if let classID = m.classID { try id(classID, "class") }
      if case .markPresent(_, _, let at) = m.change { try time(at, "captured_at") }
    }
  }
}
