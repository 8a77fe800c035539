import Foundation
import GRDB

/// An unknown face as the dashboard lists it: when and where, the nearest enrolled person, whether
/// a snapshot is kept, and what an admin made of it.
public struct UnknownFaceRecord: Sendable, Codable, Equatable {
  public let id: Int64
  public let deviceID: String?
  public let capturedAt: String
  public let nearestDistance: Double?
  public let nearestPersonID: String?
  public let nearestName: String?
  /// The snapshot in the media library (admins only see it); nil when snapshots were off or it expired.
  public let mediaPath: String?
  /// enrolled, assigned or dismissed; nil while open.
  public let resolution: String?
  public let resolvedBy: String?

  enum CodingKeys: String, CodingKey {
    case id, resolution
    case deviceID = "device_id"
    case capturedAt = "captured_at"
    case nearestDistance = "nearest_distance"
    case nearestPersonID = "nearest_person_id"
    case nearestName = "nearest_name"
    case mediaPath = "media_path"
    case resolvedBy = "resolved_by"
  }

  /// The same without its snapshot's path (what a viewer is shown).
  public var withoutSnapshot: UnknownFaceRecord {
    UnknownFaceRecord(
      id: id, deviceID: deviceID, capturedAt: capturedAt, nearestDistance: nearestDistance,
      nearestPersonID: nearestPersonID, nearestName: nearestName, mediaPath: nil, resolution: resolution,
      resolvedBy: resolvedBy)
  }
}

extension AttendanceStore {
  /// Newest first, `limit` of them before id `before`; resolved ones only with `resolved`.
  public func unknownFaces(limit: Int, before: Int64?, resolved: Bool = false) throws -> [UnknownFaceRecord] {
    try reader { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT u.id, u.device_id, u.captured_at, u.nearest_distance, u.nearest_person_id, p.name AS nearest_name,
                 u.media_path, u.resolution, u.resolved_by
          FROM unknown_faces u LEFT JOIN people p ON p.id = u.nearest_person_id
          WHERE u.id < ? \(resolved ? "" : "AND u.resolution IS NULL") ORDER BY u.id DESC LIMIT ?
          """, arguments: [before ?? Int64.max, limit]
      ).map {
        UnknownFaceRecord(
          id: $0["id"], deviceID: $0["device_id"], capturedAt: $0["captured_at"], nearestDistance: $0["nearest_distance"],
          nearestPersonID: $0["nearest_person_id"], nearestName: $0["nearest_name"], mediaPath: $0["media_path"],
          resolution: $0["resolution"], resolvedBy: $0["resolved_by"])
      }
    }
  }

  public func unknownFace(_ id: Int64) throws -> UnknownFaceRecord? {
    try unknownFaces(limit: 1, before: id + 1, resolved: true).first { $0.id == id }
  }

  /// Marks an unknown face enrolled, assigned or dismissed, with its audit row, in one transaction,
  /// and forgets its snapshot (the file is deleted after the commit): once a face is dealt with,
  /// its picture is kept only as the person's sample, if it became one. Returns false when the face
  /// does not exist or was already resolved.
  public func resolveUnknownFace(_ id: Int64, resolution: String, person: String?, actor: String, media: MediaLibrary)
    throws -> Bool
  {
    let (resolved, path) = try write { db -> (Bool, String?) in
      guard let row = try Row.fetchOne(db, sql: "SELECT media_path, resolution FROM unknown_faces WHERE id = ?", arguments: [id]),
        (row["resolution"] as String?) == nil
      else { return (false, nil) }
      try db.execute(
        sql: "UPDATE unknown_faces SET resolution = ?, resolved_by = ?, resolved_at = ?, media_path = NULL WHERE id = ?",
        arguments: [resolution, actor, Date(), id])
      try StoreTransaction(db: db).audit(
        actor: actor, action: "unknown face \(resolution)", target: person ?? "unknown face \(id)",
        ["person_id": person ?? "", "unknown_face": "\(id)"])
      return (true, row["media_path"])
    }
    if let path, try !snapshotInUse(path) { try? FileManager.default.removeItem(atPath: media.fullPath(path)) }
    return resolved
  }
}
