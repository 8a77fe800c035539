import Foundation
import GRDB

/// An enrolled person as the tools list them: who, and how much biometric data is stored for them.
public struct PersonRecord: Sendable, Equatable, Codable {
  public let id: String
  public let name: String
  public let active: Bool
  public let samples: Int
  /// Samples with an embedding for the current model (recognisable faces).
  public let embeddings: Int
  /// Samples whose image gave no embedding (see `att-extract`).
  public let failedSamples: Int
  public let attendance: Int
  /// The classes the person is a member of.
  public let classes: [String]
  public let createdAt: Date

  enum CodingKeys: String, CodingKey {
    case id, name, active, samples, embeddings, attendance, classes
    case failedSamples = "failed_samples"
    case createdAt = "created_at"
  }
}

extension AttendanceStore {
  /// Everyone enrolled (and, with `includeRemoved`, people removed with their attendance kept).
  public func people(includeRemoved: Bool = false, model: EmbeddingModel = .standard) throws -> [PersonRecord] {
    try writer.read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT p.id, p.name, p.active, p.created_at,
            (SELECT count(*) FROM face_samples s WHERE s.person_id = p.id) AS samples,
            (SELECT count(*) FROM face_samples s JOIN embeddings e ON e.sample_id = s.id
              WHERE s.person_id = p.id AND e.model = ?) AS embeddings,
            (SELECT count(*) FROM face_samples s WHERE s.person_id = p.id AND s.failure IS NOT NULL) AS failed,
            (SELECT count(*) FROM attendance a WHERE a.person_id = p.id) AS attendance,
            (SELECT group_concat(class_id, char(31)) FROM
              (SELECT class_id FROM class_members m WHERE m.person_id = p.id ORDER BY class_id)) AS classes
          FROM people p WHERE ? OR p.active = 1 ORDER BY p.id
          """, arguments: [model.id, includeRemoved]
      ).map { row in
        PersonRecord(
          id: row["id"], name: row["name"], active: row["active"], samples: row["samples"],
          embeddings: row["embeddings"], failedSamples: row["failed"], attendance: row["attendance"],
          classes: (row["classes"] as String?)?.split(separator: "\u{1F}").map(String.init) ?? [],
          createdAt: row["created_at"])
      }
    }
  }

  /// One person, or nil.
  public func person(_ id: String) throws -> PersonRecord? {
    try people(includeRemoved: true).first { $0.id == id }
  }
}

extension AttendanceStore {
  /// The media path of a person's first face sample (the dashboard's thumbnail, for admins), if any.
  public func thumbnailPath(_ personID: String) throws -> String? {
    try reader { db in
      try String.fetchOne(
        db, sql: "SELECT media_path FROM face_samples WHERE person_id = ? ORDER BY id LIMIT 1", arguments: [personID])
    }
  }
}
