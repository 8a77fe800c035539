import Foundation
import GRDB

/// The snapshots kept for review in the media library's review folder: unknown faces', liveness
/// refusals' and camera-marked arrivals' crops, deleted after the retention period (`--snapshot-days`).
extension AttendanceStore {
  /// Deletes the snapshots kept for review (unknown faces, liveness refusals, arrivals) captured
  /// before `cutoff` (the retention period), and any snapshot file that no row names (a message whose
  /// transaction never committed, a crop replaced by an earlier sighting that arrived late). A
  /// never-live refusal whose person was marked that day since keeps its crop as long: it is off the
  /// open list, not reviewed (a photo held up for a friend who got marked later by other means is
  /// what an admin looks back for). Returns how many files were deleted.
  @discardableResult
  public func expireSnapshots(before cutoff: Date, media: MediaLibrary) throws -> Int {
    let stamp = CapturedTime.string(from: cutoff)
    let expired = try write { db -> [String] in
      guard let limit = CapturedTime(stamp) else { return [] }
      var paths: [String] = []
      for table in Self.reviewTables {
        // captured_at carries the camera's offset: compare moments, not strings.
        let rows = try Row.fetchAll(db, sql: "SELECT id, captured_at, media_path FROM \(table) WHERE media_path IS NOT NULL")
        for row in rows {
          guard let captured = CapturedTime(row["captured_at"]), captured < limit else { continue }
          try db.execute(sql: "UPDATE \(table) SET media_path = NULL WHERE id = ?", arguments: [row["id"] as Int64])
          paths.append(row["media_path"])
        }
      }
      return paths
    }
    var deleted = 0
    for path in Set(expired) where try !snapshotInUse(path) {
      if (try? FileManager.default.removeItem(atPath: media.fullPath(path))) != nil { deleted += 1 }
    }
    // Files no row names.
    let folder = media.fullPath(MediaLibrary.unknownFolder)
    let named = Set(
      try reader { db in
        try String.fetchAll(
          db,
          sql: Self.reviewTables.map { "SELECT media_path FROM \($0) WHERE media_path IS NOT NULL" }.joined(separator: " UNION "))
      })
    for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
      let path = "\(MediaLibrary.unknownFolder)/\(file)"
      guard !named.contains(path), let attributes = try? FileManager.default.attributesOfItem(atPath: "\(folder)/\(file)"),
        let modified = attributes[.modificationDate] as? Date, modified < Date().addingTimeInterval(-3600)
      else { continue }
      if (try? FileManager.default.removeItem(atPath: "\(folder)/\(file)")) != nil { deleted += 1 }
    }
    return deleted
  }

  /// The tables whose rows keep a snapshot in the media library's review folder.
  static let reviewTables = ["unknown_faces", "liveness_refusals", "attendance"]

  /// Whether another row still names the same snapshot file (the same picture twice).
  func snapshotInUse(_ path: String) throws -> Bool {
    try reader { db in
      try Self.reviewTables.contains { table in
        try Bool.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE media_path = ?", arguments: [path]) ?? false
      }
    }
  }
}
