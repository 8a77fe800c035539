import Foundation
import GRDB

/// A recognised person att-take did not mark for liveness, as the review lists it: who, when and
/// where, the verdict and why, whether a crop is kept, whether the person was marked present that
/// day since (by a camera or by hand), and what a reviewer made of it.
public struct LivenessRefusalRecord: Sendable, Codable, Equatable {
  public let id: Int64
  public let personID: String
  public let name: String?
  public let deviceID: String?
  public let classID: String?
  public let direction: String
  public let capturedAt: String
  public let localDay: String
  /// spoof, challenge_failed or not_marked.
  public let verdict: String
  public let reason: String
  public let distance: Double?
  /// The crop in the media library (admins only see it); nil when snapshots were off or it expired.
  public let mediaPath: String?
  /// The person has a record of the same direction that day, for the class or for no class: nothing
  /// is left to mark (an attack vote's refusal stays listed all the same: was it them?).
  public let present: Bool
  /// present (marked by a reviewer) or dismissed; nil while open.
  public let resolution: String?
  public let resolvedBy: String?

  enum CodingKeys: String, CodingKey {
    case id, name, direction, verdict, reason, distance, present, resolution
    case personID = "person_id"
    case deviceID = "device_id"
    case classID = "class_id"
    case capturedAt = "captured_at"
    case localDay = "local_day"
    case mediaPath = "media_path"
    case resolvedBy = "resolved_by"
  }

  /// The same without its crop's path (what a viewer or a teacher is shown).
  public var withoutSnapshot: LivenessRefusalRecord {
    LivenessRefusalRecord(
      id: id, personID: personID, name: name, deviceID: deviceID, classID: classID, direction: direction,
      capturedAt: capturedAt, localDay: localDay, verdict: verdict, reason: reason, distance: distance, mediaPath: nil,
      present: present, resolution: resolution, resolvedBy: resolvedBy)
  }
}

extension AttendanceStore {
  /// Whether the refusal `r`'s person has a record of the same direction that day, for its class or
  /// for no class (an SQL expression).
  static let markedThatDay = """
    EXISTS (SELECT 1 FROM attendance a
            WHERE a.person_id = r.person_id AND a.local_day = r.local_day AND a.direction = r.direction
              AND (r.class_id IS NULL OR a.class_id IS NULL OR a.class_id = r.class_id))
    """

  /// Newest first, `limit` of them before id `before`. Open ones only unless `all`: not reviewed,
  /// and for a track never judged live, not since marked that day (a pupil whose first track was
  /// lost before a verdict and whose next was marked); an attack vote or a failed challenge stays
  /// listed though the person was marked (a friend refused once who got through later is what a
  /// school looks for). The members of `classID` only when it is given.
  public func livenessRefusals(limit: Int, before: Int64?, all: Bool = false, classID: String? = nil) throws
    -> [LivenessRefusalRecord]
  {
    try reader { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT * FROM (
            SELECT r.id, r.person_id, p.name, r.device_id, r.class_id, r.direction, r.captured_at, r.local_day, r.verdict,
                   r.reason, r.distance, r.media_path, r.resolution, r.resolved_by,
                   \(Self.markedThatDay) AS present
            FROM liveness_refusals r JOIN people p ON p.id = r.person_id
            WHERE r.id < ? AND (? IS NULL OR r.person_id IN (SELECT person_id FROM class_members WHERE class_id = ?)))
          \(all ? "" : "WHERE resolution IS NULL AND NOT (present AND verdict = 'not_marked')") ORDER BY id DESC LIMIT ?
          """, arguments: [before ?? Int64.max, classID, classID, limit]
      ).map {
        LivenessRefusalRecord(
          id: $0["id"], personID: $0["person_id"], name: $0["name"], deviceID: $0["device_id"], classID: $0["class_id"],
          direction: $0["direction"], capturedAt: $0["captured_at"], localDay: $0["local_day"], verdict: $0["verdict"],
          reason: $0["reason"], distance: $0["distance"], mediaPath: $0["media_path"], present: $0["present"],
          resolution: $0["resolution"], resolvedBy: $0["resolved_by"])
      }
    }
  }

  public func livenessRefusal(_ id: Int64) throws -> LivenessRefusalRecord? {
    try livenessRefusals(limit: 1, before: id + 1, all: true).first { $0.id == id }
  }

  /// Marks a refusal dealt with (`present`: the reviewer marked the person; `dismissed`: it was an
  /// attack, or nothing to mark), with its audit row, in one transaction, and forgets its crop (the
  /// file is deleted after the commit). False when it does not exist or was already resolved.
  public func resolveLivenessRefusal(_ id: Int64, resolution: String, actor: String, media: MediaLibrary) throws -> Bool {
    let (resolved, path) = try write { db -> (Bool, String?) in
      guard
        let row = try Row.fetchOne(
          db, sql: "SELECT person_id, verdict, media_path, resolution FROM liveness_refusals WHERE id = ?", arguments: [id]),
        (row["resolution"] as String?) == nil
      else { return (false, nil) }
      try db.execute(
        sql: "UPDATE liveness_refusals SET resolution = ?, resolved_by = ?, resolved_at = ?, media_path = NULL WHERE id = ?",
        arguments: [resolution, actor, Date(), id])
      try StoreTransaction(db: db).audit(
        actor: actor, action: "liveness refusal \(resolution)", target: row["person_id"],
        ["liveness_refusal": "\(id)", "verdict": row["verdict"]])
      return (true, row["media_path"])
    }
    if let path, try !snapshotInUse(path) { try? FileManager.default.removeItem(atPath: media.fullPath(path)) }
    return resolved
  }
}
