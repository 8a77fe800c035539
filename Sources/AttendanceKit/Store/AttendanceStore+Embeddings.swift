import Foundation
import GRDB

extension AttendanceStore {
  /// Every sample (or one person's), with its embedding state for `model`, in sample order.
  public func sampleStates(model: EmbeddingModel, personID: String?) throws -> [SampleState] {
    try writer.read { db in
      try SampleState.fetchAll(
        db,
        sql: """
          SELECT s.id, s.media_path, s.sha256, s.file_size, s.file_mtime, s.failed_sha256, e.sample_sha256 AS embedded_sha256
          FROM face_samples s LEFT JOIN embeddings e ON e.sample_id = s.id AND e.model = ?
          WHERE ? IS NULL OR s.person_id = ?
          ORDER BY s.id
          """,
        arguments: [model.id, personID, personID])
    }
  }

  /// Forgets the samples whose file is gone, and notes the new size and time of files whose
  /// content did not change, in one transaction.
  public func refreshSamples(vanished: [Int64], unchanged: [(id: Int64, sha: String, size: Int64, mtime: Double)]) throws {
    guard !vanished.isEmpty || !unchanged.isEmpty else { return }
    try writer.write { db in
      for id in vanished { try db.execute(sql: "DELETE FROM face_samples WHERE id = ?", arguments: [id]) }
      for r in unchanged {
        try db.execute(
          sql: "UPDATE face_samples SET sha256 = ?, file_size = ?, file_mtime = ? WHERE id = ?",
          arguments: [r.sha, r.size, r.mtime, r.id])
      }
    }
  }

  /// Writes a batch of analyses in one transaction: an embedding replaces the sample's old one for
  /// `model`; a failure drops it (the old content's embedding must not stay once the file changed)
  /// and is kept with the reason. Returns the ids skipped because their sample was removed while
  /// its image was analysed (att-register remove).
  public func saveAnalyses(_ batch: [SampleAnalysis], model: EmbeddingModel) throws -> Set<Int64> {
    try writer.write { db in
      let now = Date()
      var skipped: Set<Int64> = []
      for analysis in batch {
        guard try Row.fetchOne(db, sql: "SELECT 1 FROM face_samples WHERE id = ?", arguments: [analysis.sampleID]) != nil else {
          skipped.insert(analysis.sampleID)
          continue
        }
        switch analysis.result {
        case .embedded(let vector, let width, let height):
          try db.execute(
            sql: """
              INSERT INTO embeddings (sample_id, model, sample_sha256, vector, created_at) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT(sample_id, model) DO UPDATE SET sample_sha256 = excluded.sample_sha256,
                vector = excluded.vector, created_at = excluded.created_at
              """, arguments: [analysis.sampleID, model.id, analysis.sha256, vector, now])
          try db.execute(
            sql: """
              UPDATE face_samples SET sha256 = ?, file_size = ?, file_mtime = ?, width = ?, height = ?,
                failure = NULL, failure_code = NULL, failed_sha256 = NULL WHERE id = ?
              """, arguments: [analysis.sha256, analysis.size, analysis.mtime, width, height, analysis.sampleID])
        case .failed(let code, let reason):
          try db.execute(
            sql: "DELETE FROM embeddings WHERE sample_id = ? AND model = ?", arguments: [analysis.sampleID, model.id])
          try db.execute(
            sql: """
              UPDATE face_samples SET sha256 = ?, file_size = ?, file_mtime = ?, failure = ?, failure_code = ?,
                failed_sha256 = ? WHERE id = ?
              """,
            arguments: [analysis.sha256, analysis.size, analysis.mtime, reason, code, analysis.sha256, analysis.sampleID])
        }
      }
      return skipped
    }
  }

  /// The ids of the people enrolled now, and every media path a sample points to.
  public func enrolledFiles() throws -> (people: Set<String>, mediaPaths: Set<String>) {
    try writer.read { db in
      (
        Set(try String.fetchAll(db, sql: "SELECT id FROM people WHERE active = 1")),
        Set(try String.fetchAll(db, sql: "SELECT media_path FROM face_samples"))
      )
    }
  }

  /// Makes images found in people's media folders their samples; returns how many were new.
  public func adoptSamples(_ files: [(personID: String, mediaPath: String, sha256: String)]) throws -> Int {
    guard !files.isEmpty else { return 0 }
    return try transaction { tx in
      let now = Date()
      var adopted = 0
      for file in files {
        let added = try tx.addSample(
          personID: file.personID, mediaPath: file.mediaPath, sha256: file.sha256, source: "media folder", capturedAt: nil,
          width: nil, height: nil, quality: nil, at: now)
        if added { adopted += 1 }
      }
      return adopted
    }
  }
}
