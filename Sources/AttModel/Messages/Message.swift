import Foundation

/// A message between the tools: what att-register and att-take produce and the one handler applies,
/// in-process (direct mode) or through RabbitMQ (att-worker). JSON, snake_case keys, with `type` and
/// `version` on every message so old and new tools can tell what they are reading.
public enum Message: Sendable, Equatable {
  case register(RegisterMessage)
  case attendance(AttendanceMessage)
  case removePerson(RemovePersonMessage)
  case renamePerson(RenamePersonMessage)
  case unknownFace(UnknownFaceMessage)
  case livenessRefusal(LivenessRefusalMessage)
  case correction(CorrectionMessage)

  /// The version this build writes and reads.
  public static let currentVersion = 1

  /// The message's own id (a UUID), used for idempotency and in every log line about it.
  public var id: UUID {
    switch self {
    case .register(let m): m.id
    case .attendance(let m): m.id
    case .removePerson(let m): m.id
    case .renamePerson(let m): m.id
    case .unknownFace(let m): m.id
    case .livenessRefusal(let m): m.id
    case .correction(let m): m.id
    }
  }

  public var type: String {
    switch self {
    case .register: "register"
    case .attendance: "attendance"
    case .removePerson: "remove-person"
    case .renamePerson: "rename-person"
    case .unknownFace: "unknown-face"
    case .livenessRefusal: "liveness-refusal"
    case .correction: "correction"
    }
  }
}
