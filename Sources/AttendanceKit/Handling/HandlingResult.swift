import Foundation

/// What applying one message did.
public struct HandlingResult: Sendable, Equatable {
  public enum Outcome: Sendable, Equatable {
    /// The message changed the database; the text says how.
    case applied(String)
    /// Nothing new: a replayed message, or a second sighting the attendance rule counts but does not insert.
    case duplicate(String)
    /// The message can never succeed (unknown person, invalid field); it belongs in the dead-letter queue.
    case rejected(String)
  }

  public let outcome: Outcome
  /// What to publish once the transaction has committed (the dashboard, att-take's gallery).
  public let events: [StoreEvent]
}

/// Something that changed in the database, published after the commit that made it.
public enum StoreEvent: Sendable, Equatable {
  case attendanceRecorded(personID: String, classID: String?, localDay: String, observationID: UUID)
  case attendanceDuplicate(personID: String, classID: String?, localDay: String, observationID: UUID)
  case personRegistered(personID: String, newSamples: Int)
  case personRemoved(personID: String, keptAttendance: Bool)
  case personRenamed(personID: String, name: String)
  case unknownFaceSeen(deviceID: String, observationID: UUID)
  /// The faces people are recognised by changed: a running att-take reloads its gallery.
  /// An office correction: a record marked by hand or deleted, an excuse given or withdrawn.
  case attendanceCorrected(personID: String, localDay: String, action: String)
  case galleryChanged
}
