import ArgumentParser
import AttCommandLine
import AttendanceKit
import FaceKit
import Foundation

extension AttExtract {
  /// `att-extract` (no subcommand): bring the stored embeddings up to date with the face images.
  struct Update: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compute the embeddings of new and changed face images in the database (the default).",
      discussion: """
        Looks at every face sample in the database and every image under the media folder:
        - computes the embedding of samples that have none for the current model,
        - recomputes it when a file's content changed (size or time changed and the sha256 differs),
        - adopts images copied by hand into media/<id>/ of an enrolled person,
        - removes samples and embeddings whose file disappeared,
        - records a file that gives no embedding (no face, corrupt) with the reason, and does not \
        try it again until it changes.
        A run with nothing to do reads no image and hashes nothing: unchanged files are recognised \
        by size and modification time.

        Safe to run from cron: a lock (the database path + .extract.lock) stops a second run from \
        starting while one is going (it exits 75 at once; --wait waits instead). On a terminal it \
        shows progress with rate and ETA and a summary; without one (cron) it prints nothing \
        unless a file fails.

        Exit status: 0 embeddings were computed or samples removed, all files fine; 1 some files \
        failed (listed on standard error); 2 the models are missing; 3 nothing to do; 69 the \
        database cannot be opened; 75 another run holds the lock; 78 a setting is unusable.

        Examples:
          att-extract
          */10 * * * * cd /srv/att && att-extract || [ $? -eq 3 ]
          att-extract --json | jq .computed
        """)

    @Option(name: .shortAndLong, help: "Worker threads (default: the number of cores).")
    var jobs: Int?

    /// --jobs, else one worker per core.
    var workers: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    @Flag(help: "Wait for a running att-extract to finish instead of exiting with status 75.")
    var wait = false

    @Option(help: "Refuse images with more pixels than this.")
    var maxPixels = ImageLimits.standard.maxPixels

    @Option(
      help:
        "Face detector for the stored crops: retinaface (turned and small faces too) or hog. Embeddings from either compare with each other."
    )
    var detector: DetectorKind = EmbeddingModel.standardOptions.detector

    @OptionGroup var library: LibraryOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
      guard workers >= 1 else { throw ValidationError("--jobs must be at least 1.") }
      guard maxPixels >= 1 else { throw ValidationError("--max-pixels must be positive.") }
    }

    @OptionGroup var logOptions: LogOptions

    func run() throws {
      try reportingErrors("att-extract", logFormat: logOptions.logFormat) {
        let (store, media) = try library.open()
        if Console.isInteractive { Console.error("att-extract: database \(store.location.path), media \(media.root)/") }
        let lockPath = store.location.path + ".extract.lock"
        guard let lock = try ProcessLock(path: lockPath, wait: wait) else {
          throw ToolError("another att-extract is running (lock \(lockPath)); try again later or use --wait", exitCode: .busy)
        }
        defer { lock.release() }

        var update = EmbeddingUpdate(store: store, media: media, models: modelOptions.modelSet)
        update.workers = workers
        update.limits = ImageLimits(maxPixels: maxPixels)
        update.engineOptions.detector = detector
        let meter = ProgressMeter(label: "embeddings")
        let summary: EmbeddingUpdate.Summary
        do {
          summary = try update.run { done, total in meter.update(done: done, total: total) }
        } catch let error as FaceKitError {
          throw ToolError(error.description, exitCode: .models)
        }
        meter.finish()
        for failure in summary.failures { Console.error("att-extract: \(failure.file): \(failure.reason) (\(failure.code))") }
        for folder in summary.strayFolders {
          if Console.isInteractive { Console.error("att-extract: \(folder): no enrolled person with this id; left alone") }
        }
        if output.json {
          Console.output(try JSONText.encode(summary))
        } else if Console.isInteractive {
          Console.error(
            String(
              format: "att-extract: %d samples: %d computed, %d unchanged, %d failed, %d removed, %d adopted (%.2f s)",
              summary.samples, summary.computed, summary.unchanged, summary.failed, summary.removed, summary.adopted,
              summary.seconds)
              + (summary.knownFailures > 0 ? "; \(summary.knownFailures) known failure(s) unchanged since" : ""))
        }
        if summary.failed > 0 { throw ExitCode(ToolError.ExitStatus.failure.rawValue) }
        if summary.nothingToDo { throw ExitCode(3) }
      }
    }
  }
}
