import Foundation

/// Something that changed in the database, published after the commit that made it.
public enum StoreEvent: Sendable, Equatable {
  case attendanceRecorded(personID: String, classID: String?, localDay: String, observationID: UUID)
  case attendanceDuplicate(personID: String, classID: String?, localDay: String, observationID: UUID)
  case personRegistered(personID: String, newSamples: Int)
  case personRemoved(personID: String, keptAttendance: Bool)
  case personRenamed(personID: String, name: String)
  case unknownFaceSeen(deviceID: String, observationID: UUID)
  /// A recognised person was not marked for liveness (an attack vote, a failed challenge, never live).
  case livenessRefused(personID: String, deviceID: String, observationID: UUID)
  /// An office correction: a record marked by hand or deleted, an excuse given or withdrawn.
  case attendanceCorrected(personID: String, localDay: String, action: String)
  /// The faces people are recognised by changed: a running att-take reloads its gallery.
  case galleryChanged
}

extension StoreEvent {
  /// The event as published on `att.events` (one JSON object), without an id (for tests and tools
  /// that publish directly).
  public var json: Data { json(id: nil) }

  /// The event as published on `att.events`, with `event_id` when it came through the outbox: a
  /// redelivered event carries the same id, so consumers can count each once.
  public func json(id: UUID?) -> Data {
    // Every field is a string, a number, a Bool or null: encoding cannot fail.
    (try? JSONEncoder.att.encode(Wire(event: self, id: id))) ?? Data("{}".utf8)
  }

  /// The wire form: `type`, the event's own fields (a class is null when there is none), `event_id`.
  private struct Wire: Encodable {
    let event: StoreEvent
    let id: UUID?

    enum Keys: String, CodingKey {
      case type, action, name
      case personID = "person_id"
      case classID = "class"
      case localDay = "local_day"
      case observationID = "observation_id"
      case newSamples = "new_samples"
      case keptAttendance = "kept_attendance"
      case deviceID = "device_id"
      case eventID = "event_id"
    }

    func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: Keys.self)
      switch event {
      case .attendanceRecorded(let person, let classID, let day, let observation),
        .attendanceDuplicate(let person, let classID, let day, let observation):
        let recorded = if case .attendanceRecorded = event { true } else { false }
        try c.encode(recorded ? "attendance_recorded" : "attendance_duplicate", forKey: .type)
        try c.encode(person, forKey: .personID)
        try c.encode(classID, forKey: .classID)
        try c.encode(day, forKey: .localDay)
        try c.encode(observation.uuidString, forKey: .observationID)
      case .personRegistered(let person, let samples):
        try c.encode("person_registered", forKey: .type)
        try c.encode(person, forKey: .personID)
        try c.encode(samples, forKey: .newSamples)
      case .personRemoved(let person, let kept):
        try c.encode("person_removed", forKey: .type)
        try c.encode(person, forKey: .personID)
        try c.encode(kept, forKey: .keptAttendance)
      case .personRenamed(let person, let name):
        try c.encode("person_renamed", forKey: .type)
        try c.encode(person, forKey: .personID)
        try c.encode(name, forKey: .name)
      case .unknownFaceSeen(let device, let observation):
        try c.encode("unknown_face", forKey: .type)
        try c.encode(device, forKey: .deviceID)
        try c.encode(observation.uuidString, forKey: .observationID)
      case .livenessRefused(let person, let device, let observation):
        try c.encode("liveness_refused", forKey: .type)
        try c.encode(person, forKey: .personID)
        try c.encode(device, forKey: .deviceID)
        try c.encode(observation.uuidString, forKey: .observationID)
      case .attendanceCorrected(let person, let day, let action):
        try c.encode("attendance_corrected", forKey: .type)
        try c.encode(person, forKey: .personID)
        try c.encode(day, forKey: .localDay)
        try c.encode(action, forKey: .action)
      case .galleryChanged:
        try c.encode("gallery_changed", forKey: .type)
      }
      if let id { try c.encode(id.uuidString, forKey: .eventID) }
    }
  }
}
