import FaceKit
import Foundation
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
    let started = ContinuousClock.now
    let model = EmbeddingModel(options: engineOptions)
    var summary = Summary()
    summary.adopted = try adoptLooseFiles(&summary)

    let rows = try store.sampleStates(model: model, personID: personID)
    summary.samples = rows.count
    var vanished: [Int64] = []
    var restat: [(id: Int64, sha: String, size: Int64, mtime: Double)] = []
    var jobs: [Job] = []
    for row in rows {
      let id = row.id
      let path = media.fullPath(row.mediaPath)
      guard let state = FileState(path: path) else {
        vanished.append(id)
        continue
      }
      let known = row.sha256
      let embedded = row.embeddedSHA256
      let failedOn = row.failedSHA256
      let sameFile = state.size == row.fileSize && state.mtime == row.fileMtime
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

    try store.refreshSamples(vanished: vanished, unchanged: restat)
    summary.removed = vanished.count

    if !jobs.isEmpty {
      let outcome = try analyse(jobs, model: model, progress: progress)
      summary.computed = outcome.computed
      summary.failed = outcome.failures.count
      summary.failures = outcome.failures
    }
    summary.seconds = started.elapsedSeconds
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
    let analyses = batch.map { job, report in
      let result: SampleAnalysis.Result =
        if let face = report.faces?.max(by: { $0.box.area < $1.box.area }) {
          .embedded(vector: face.embedding.blob, width: report.width, height: report.height)
        } else {
          .failed(code: report.code ?? "no_face", reason: report.error ?? "no face found")
        }
      return SampleAnalysis(sampleID: job.sampleID, sha256: job.sha256, size: job.size, mtime: job.mtime, result: result)
    }
    let skipped = try store.saveAnalyses(analyses, model: model)
    return zip(batch, analyses).compactMap { pair, analysis in
      guard !skipped.contains(analysis.sampleID), case .failed(let code, let reason) = analysis.result else { return nil }
      return Summary.Failure(file: pair.0.path, code: code, reason: reason)
    }
  }

  /// Registers images found in enrolled people's media folders that no sample points to.
  private func adoptLooseFiles(_ summary: inout Summary) throws -> Int {
    let fm = FileManager.default
    guard let folders = try? fm.contentsOfDirectory(atPath: media.root) else { return 0 }
    let (people, known) = try store.enrolledFiles()
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
    return try store.adoptSamples(loose.map { ($0.personID, $0.relative, $0.sha) })
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
