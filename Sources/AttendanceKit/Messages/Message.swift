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
    case .correction: "correction"
    }
  }
}

/// Enrol (or add faces to) a person: face crops as JPEG bytes (base64 in JSON).
public struct RegisterMessage: Sendable, Equatable, Codable {
  public var id: UUID
  public var personID: String
  public var name: String
  public var faces: [FaceCrop]
  /// Where the faces came from: "camera:0", a video or image path.
  public var source: String
  /// When the faces were captured, ISO 8601 with offset.
  public var capturedAt: String
  public var classID: String?

  public init(
    id: UUID = UUID(), personID: String, name: String, faces: [FaceCrop], source: String,
    capturedAt: String, classID: String? = nil
  ) {
    self.id = id
    self.personID = personID
    self.name = name
    self.faces = faces
    self.source = source
    self.capturedAt = capturedAt
    self.classID = classID
  }

  enum CodingKeys: String, CodingKey {
    case id, name, faces, source
    case personID = "person_id"
    case capturedAt = "captured_at"
    case classID = "class"
  }
}

/// One face crop of a registration, with the figures the quality gate measured.
public struct FaceCrop: Sendable, Equatable, Codable {
  public var jpeg: Data
  public var quality: [String: Double]?

  public init(jpeg: Data, quality: [String: Double]? = nil) {
    self.jpeg = jpeg
    self.quality = quality
  }
}

/// A camera saw a recognised, live person.
public struct AttendanceMessage: Sendable, Equatable, Codable {
  /// The observation's UUID: the database refuses a second copy.
  public var id: UUID
  public var personID: String
  public var deviceID: String
  public var classID: String?
  /// When the camera saw the face, ISO 8601 with the camera's UTC offset (e.g. 2026-11-25T09:01:02+05:30).
  public var capturedAt: String
  public var direction: Direction
  public var distance: Double?
  public var liveness: Liveness?
  public var snapshotPath: String?

  public enum Direction: String, Sendable, Codable {
    case `in`, out
  }

  /// The liveness verdict att-take reached for the track, with its figures.
  public struct Liveness: Sendable, Equatable, Codable {
    public var verdict: String
    public var figures: [String: Double]?

    public init(verdict: String, figures: [String: Double]? = nil) {
      self.verdict = verdict
      self.figures = figures
    }
  }

  public init(
    id: UUID = UUID(), personID: String, deviceID: String, classID: String? = nil, capturedAt: String,
    direction: Direction = .in, distance: Double? = nil, liveness: Liveness? = nil, snapshotPath: String? = nil
  ) {
    self.id = id
    self.personID = personID
    self.deviceID = deviceID
    self.classID = classID
    self.capturedAt = capturedAt
    self.direction = direction
    self.distance = distance
    self.liveness = liveness
    self.snapshotPath = snapshotPath
  }

  enum CodingKeys: String, CodingKey {
    case id, direction, distance, liveness
    case personID = "person_id"
    case deviceID = "device_id"
    case classID = "class"
    case capturedAt = "captured_at"
    case snapshotPath = "snapshot"
  }
}

/// Erase a person's biometric data (face images, samples, embeddings), and their attendance unless kept.
public struct RemovePersonMessage: Sendable, Equatable, Codable {
  public var id: UUID
  public var personID: String
  public var keepAttendance: Bool
  /// Who asked (an account, a token, or the tool and the user that ran it): the handler writes the
  /// audit row in the same transaction as the erasure.
  public var actor: String?

  public init(id: UUID = UUID(), personID: String, keepAttendance: Bool = false, actor: String? = nil) {
    self.id = id
    self.personID = personID
    self.keepAttendance = keepAttendance
    self.actor = actor
  }

  enum CodingKeys: String, CodingKey {
    case id, actor
    case personID = "person_id"
    case keepAttendance = "keep_attendance"
  }
}

/// Change the display name of an enrolled person; their id, faces and records stay as they are.
public struct RenamePersonMessage: Sendable, Equatable, Codable {
  public var id: UUID
  public var personID: String
  public var name: String
  /// Who asked; the handler writes the audit row in the same transaction as the change.
  public var actor: String?

  public init(id: UUID = UUID(), personID: String, name: String, actor: String? = nil) {
    self.id = id
    self.personID = personID
    self.name = name
    self.actor = actor
  }

  enum CodingKeys: String, CodingKey {
    case id, name, actor
    case personID = "person_id"
  }
}

/// A camera saw a face that matches no one enrolled (logged once per track).
public struct UnknownFaceMessage: Sendable, Equatable, Codable {
  public var id: UUID
  public var deviceID: String
  public var capturedAt: String
  /// The distance to the nearest enrolled face, if anyone is enrolled, and whose face it is.
  public var nearestDistance: Double?
  public var nearestPersonID: String?
  /// Where the camera host saved its snapshot (`--snapshots`).
  public var snapshotPath: String?
  /// The snapshot itself (JPEG), sent only when snapshots are on: the server keeps it for the
  /// snapshot retention period, for an admin to enrol, assign or dismiss.
  public var jpeg: Data?

  public init(
    id: UUID = UUID(), deviceID: String, capturedAt: String, nearestDistance: Double? = nil, nearestPersonID: String? = nil,
    snapshotPath: String? = nil, jpeg: Data? = nil
  ) {
    self.id = id
    self.deviceID = deviceID
    self.capturedAt = capturedAt
    self.nearestDistance = nearestDistance
    self.nearestPersonID = nearestPersonID
    self.snapshotPath = snapshotPath
    self.jpeg = jpeg
  }

  enum CodingKeys: String, CodingKey {
    case id, jpeg
    case deviceID = "device_id"
    case capturedAt = "captured_at"
    case nearestDistance = "nearest_distance"
    case nearestPersonID = "nearest_person_id"
    case snapshotPath = "snapshot"
  }
}

/// An office correction to the attendance of one person on one day, with who made it and why:
/// mark present (a record by hand, with its time and note), excuse or un-excuse, or delete a wrong
/// record. The handler applies it and writes its audit row in the same transaction.
public struct CorrectionMessage: Sendable, Equatable, Codable {
  public enum Action: String, Sendable, Codable, CaseIterable {
    case markPresent = "mark-present"
    case excuse
    case unexcuse
    case deleteRecord = "delete-record"
  }
  public var id: UUID
  public var action: Action
  /// Who made it: an account's name, or a token's ("name (token)").
  public var actor: String
  public var personID: String?
  public var classID: String?
  /// The local day (YYYY-MM-DD): mark-present, excuse, unexcuse.
  public var day: String?
  /// mark-present: when the person arrived (ISO 8601 with the school's UTC offset).
  public var capturedAt: String?
  public var note: String?
  /// delete-record: the attendance record's id.
  public var attendanceID: Int64?

  public init(
    id: UUID = UUID(), action: Action, actor: String, personID: String? = nil, classID: String? = nil, day: String? = nil,
    capturedAt: String? = nil, note: String? = nil, attendanceID: Int64? = nil
  ) {
    self.id = id
    self.action = action
    self.actor = actor
    self.personID = personID
    self.classID = classID
    self.day = day
    self.capturedAt = capturedAt
    self.note = note
    self.attendanceID = attendanceID
  }

  enum CodingKeys: String, CodingKey {
    case id, action, actor, day, note
    case personID = "person_id"
    case classID = "class"
    case capturedAt = "captured_at"
    case attendanceID = "attendance_id"
  }
}
