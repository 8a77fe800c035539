import FaceKit
import Foundation
import GRDB
import Synchronization

/// Brings the embeddings up to date with the face images: computes them for samples that have none
/// for the current model, recomputes those whose file changed, adopts images dropped into a person's
/// media folder by hand, and forgets samples whose file disappeared. Files that fail are recorded
/// with the reason and not tried again until they change.
///
/// Unchanged files are recognised by size and modification time, so a run with nothing to do reads
/// no image and hashes nothing.
public struct EmbeddingUpdate: Sendable {
  public let store: AttendanceStore
  public let media: MediaLibrary
  public let models: ModelSet
  public var engineOptions = EmbeddingModel.standardOptions
  public var workers = ProcessInfo.processInfo.activeProcessorCount
  public var limits = ImageLimits.standard
  /// Only this person's samples (att-register after enrolling someone); nil for everyone.
  public var personID: String?

  public init(store: AttendanceStore, media: MediaLibrary, models: ModelSet) {
    self.store = store
    self.media = media
    self.models = models
  }

  /// What a run did.
  public struct Summary: Sendable, Equatable, Codable {
    /// Samples looked at.
    public var samples = 0
    /// Samples whose embedding was already current.
    public var unchanged = 0
    /// Embeddings computed (new or changed files).
    public var computed = 0
    /// Files that gave no embedding this run (see `failures`).
    public var failed = 0
    /// Failed earlier, unchanged since, not tried again.
    public var knownFailures = 0
    /// Samples removed because their file is gone.
    public var removed = 0
    /// Images found in a person's media folder with no sample yet, now adopted.
    public var adopted = 0
    /// Media folders that belong to no enrolled person (left alone).
    public var strayFolders: [String] = []
    public var failures: [Failure] = []
    public var seconds = 0.0

    public struct Failure: Sendable, Equatable, Codable {
      public let file: String
      public let code: String
      public let reason: String
    }

    enum CodingKeys: String, CodingKey {
      case samples, unchanged, computed, failed, removed, adopted, failures, seconds
      case knownFailures = "known_failures"
      case strayFolders = "stray_folders"
    }

    /// Whether the run changed nothing.
    public var nothingToDo: Bool { computed == 0 && failed == 0 && removed == 0 && adopted == 0 }
  }

  /// One sample whose image must be analysed.
  private struct Job: Sendable {
    let sampleID: Int64
    let path: String
    let sha256: String
    let size: Int64
    let mtime: Double
  }

  /// Runs the update. `progress` is called after each analysed file with (done, total).
  public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Summary {
    let started = Date()
    let model = EmbeddingModel(options: engineOptions)
    var summary = Summary()
    summary.adopted = try adoptLooseFiles(&summary)

    let rows = try store.writer.read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT s.id, s.media_path, s.sha256, s.file_size, s.file_mtime, s.failed_sha256, e.sample_sha256 AS embedded_sha256
          FROM face_samples s LEFT JOIN embeddings e ON e.sample_id = s.id AND e.model = ?
          WHERE ? IS NULL OR s.person_id = ?
          ORDER BY s.id
          """,
        arguments: [model.id, personID, personID])
    }
    summary.samples = rows.count
    var vanished: [Int64] = []
    var restat: [(id: Int64, sha: String, size: Int64, mtime: Double)] = []
    var jobs: [Job] = []
    for row in rows {
      let id: Int64 = row["id"]
      let path = media.fullPath(row["media_path"])
      guard let state = FileState(path: path) else {
        vanished.append(id)
        continue
      }
      let known: String = row["sha256"]
      let embedded: String? = row["embedded_sha256"]
      let failedOn: String? = row["failed_sha256"]
      let sameFile = state.size == (row["file_size"] as Int64?) && state.mtime == (row["file_mtime"] as Double?)
      if sameFile && embedded == known {
        summary.unchanged += 1
        continue
      }
      if sameFile && failedOn == known {
        summary.knownFailures += 1
        continue
      }
      // Size or time changed (or never recorded): the content decides.
      guard let sha = try? Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe).sha256Hex else {
        vanished.append(id)
        continue
      }
      if embedded == sha {
        restat.append((id, sha, state.size, state.mtime))
        summary.unchanged += 1
      } else if failedOn == sha {
        restat.append((id, sha, state.size, state.mtime))
        summary.knownFailures += 1
      } else {
        jobs.append(Job(sampleID: id, path: path, sha256: sha, size: state.size, mtime: state.mtime))
      }
    }

    if !vanished.isEmpty || !restat.isEmpty {
      try store.writer.write { db in
        for id in vanished { try db.execute(sql: "DELETE FROM face_samples WHERE id = ?", arguments: [id]) }
        for r in restat {
          try db.execute(
            sql: "UPDATE face_samples SET sha256 = ?, file_size = ?, file_mtime = ? WHERE id = ?",
            arguments: [r.sha, r.size, r.mtime, r.id])
        }
      }
      summary.removed = vanished.count
    }

    if !jobs.isEmpty {
      let outcome = try analyse(jobs, model: model, progress: progress)
      summary.computed = outcome.computed
      summary.failed = outcome.failures.count
      summary.failures = outcome.failures
    }
    summary.seconds = Date().timeIntervalSince(started)
    return summary
  }

  /// Analyses the jobs on `workers` cores, writing results in batches as they arrive in order.
  private func analyse(_ jobs: [Job], model: EmbeddingModel, progress: (@Sendable (Int, Int) -> Void)?) throws -> (
    computed: Int, failures: [Summary.Failure]
  ) {
    let queue = Mutex(jobs.makeIterator())
    let state = Mutex(AnalysisState())
    let options = engineOptions
    let models = self.models
    let store = self.store
    let byPath = Dictionary(jobs.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    try ImageBatch.run(
      workers: workers, limits: limits,
      makeEngine: { () throws(FaceKitError) in try FaceEngine(models: models, options: options) },
      next: { queue.withLock { $0.next()?.path } },
      deliver: { report in
        guard let job = byPath[report.file] else { return }
        let (done, batch) = state.withLock { s -> (Int, [(Job, ImageReport)]?) in
          s.done += 1
          s.pending.append((job, report))
          guard s.pending.count >= 32 || s.done == jobs.count else { return (s.done, nil) }
          defer { s.pending.removeAll() }
          return (s.done, s.pending)
        }
        if let batch {
          do {
            let failures = try Self.store(batch, model: model, in: store)
            state.withLock {
              $0.failures += failures
              $0.computed += batch.count - failures.count
            }
          } catch {
            state.withLock { $0.writeError = $0.writeError ?? error }
          }
        }
        progress?(done, jobs.count)
      })
    let final = state.withLock { $0 }
    if let writeError = final.writeError { throw writeError }
    return (final.computed, final.failures)
  }

  private struct AnalysisState {
    var done = 0
    var pending: [(Job, ImageReport)] = []
    var computed = 0
    var failures: [Summary.Failure] = []
    var writeError: (any Error)?
  }

  /// Writes one batch of results in one transaction; returns the failures among them.
  private static func store(_ batch: [(Job, ImageReport)], model: EmbeddingModel, in store: AttendanceStore) throws
    -> [Summary.Failure]
  {
    var failures: [Summary.Failure] = []
    try store.writer.write { db in
      let now = Date()
      for (job, report) in batch {
        // The sample may have been removed while its image was analysed (att-register remove).
        guard try Row.fetchOne(db, sql: "SELECT 1 FROM face_samples WHERE id = ?", arguments: [job.sampleID]) != nil else {
          continue
        }
        let face = report.faces?.max { $0.box.area < $1.box.area }
        if let face {
          try db.execute(
            sql: """
              INSERT INTO embeddings (sample_id, model, sample_sha256, vector, created_at) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT(sample_id, model) DO UPDATE SET sample_sha256 = excluded.sample_sha256,
                vector = excluded.vector, created_at = excluded.created_at
              """, arguments: [job.sampleID, model.id, job.sha256, face.embedding.blob, now])
          try db.execute(
            sql: """
              UPDATE face_samples SET sha256 = ?, file_size = ?, file_mtime = ?, width = ?, height = ?,
                failure = NULL, failure_code = NULL, failed_sha256 = NULL WHERE id = ?
              """, arguments: [job.sha256, job.size, job.mtime, report.width, report.height, job.sampleID])
        } else {
          let code = report.code ?? "no_face"
          let reason = report.error ?? "no face found"
          failures.append(Summary.Failure(file: job.path, code: code, reason: reason))
          // A stale embedding of the old content must not stay behind once the file changed.
          try db.execute(sql: "DELETE FROM embeddings WHERE sample_id = ? AND model = ?", arguments: [job.sampleID, model.id])
          try db.execute(
            sql: """
              UPDATE face_samples SET sha256 = ?, file_size = ?, file_mtime = ?, failure = ?, failure_code = ?,
                failed_sha256 = ? WHERE id = ?
              """, arguments: [job.sha256, job.size, job.mtime, reason, code, job.sha256, job.sampleID])
        }
      }
    }
    return failures
  }

  /// Registers images found in enrolled people's media folders that no sample points to.
  private func adoptLooseFiles(_ summary: inout Summary) throws -> Int {
    let fm = FileManager.default
    guard let folders = try? fm.contentsOfDirectory(atPath: media.root) else { return 0 }
    let (people, known) = try store.writer.read { db in
      (
        Set(try String.fetchAll(db, sql: "SELECT id FROM people WHERE active = 1")),
        Set(try String.fetchAll(db, sql: "SELECT media_path FROM face_samples"))
      )
    }
    var loose: [(personID: String, relative: String, sha: String)] = []
    for folder in folders.sorted() where !folder.hasPrefix(".") {
      if let personID, folder != personID { continue }
      var isDirectory: ObjCBool = false
      guard fm.fileExists(atPath: "\(media.root)/\(folder)", isDirectory: &isDirectory), isDirectory.boolValue else { continue }
      guard people.contains(folder) else {
        summary.strayFolders.append(media.folder(personID: folder))
        continue
      }
      for file in (try? fm.contentsOfDirectory(atPath: "\(media.root)/\(folder)"))?.sorted() ?? []
      where !file.hasPrefix(".") && ImageFiles.isImageName(file) {
        let relative = "\(folder)/\(file)"
        if known.contains(relative) { continue }
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: media.fullPath(relative)), options: .mappedIfSafe) else {
          continue
        }
        loose.append((folder, relative, data.sha256Hex))
      }
    }
    guard !loose.isEmpty else { return 0 }
    return try store.writer.write { db in
      var adopted = 0
      for file in loose {
        try db.execute(
          sql: """
            INSERT OR IGNORE INTO face_samples (person_id, media_path, sha256, source, created_at)
            VALUES (?, ?, ?, 'media folder', ?)
            """, arguments: [file.personID, file.relative, file.sha, Date()])
        adopted += db.changesCount
      }
      return adopted
    }
  }
}

/// Size and modification time of a file, the cheap test for "unchanged".
struct FileState: Equatable {
  let size: Int64
  let mtime: Double

  init?(path: String) {
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    size = Int64(info.st_size)
    mtime = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
  }
}

extension EmbeddingUpdate {
  /// The embeddings of a person's new face samples right after their registration was applied, so
  /// that they are recognised at once rather than at the next att-extract run. att-register (direct
  /// mode) and att-worker (queue mode) both call this.
  public static func afterRegistration(
    of personID: String, store: AttendanceStore, media: MediaLibrary, models: ModelSet, workers: Int? = nil
  ) throws -> Summary {
    var update = EmbeddingUpdate(store: store, media: media, models: models)
    update.personID = personID
    if let workers { update.workers = workers }
    return try update.run()
  }
}
