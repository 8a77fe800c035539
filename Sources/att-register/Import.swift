import ArgumentParser
import AttCommandLine
import AttDeliveryOptions
import AttendanceKit
import FaceKit
import FaceVideo
import AttFrames
import Foundation

extension PersonFolders.Layout: ExpressibleByArgument {}

extension AttRegister {
  /// `att-register import DIR`: enrol everyone in a folder tree, one subfolder per person.
  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Enrol many people from a folder with one subfolder of photos per person.",
      discussion: """
        Subfolder names give each person's id and name, in one of three layouts:

          21CS001_Asha Rao/       id_name: the id (it holds a digit), '_', the name
          person_3_Ravi/          seed: the old face_register.py folders (id person_3)
          barack_obama/           name: the folder name is the id, its words the name

        --layout auto (the default) decides per folder in that order. Every image of a folder goes \
        through the same quality gate as add; files that cannot be read (corrupt, truncated, not \
        an image) are skipped with the reason. Each person gets a line saying how many photos \
        were taken and why the others were skipped (with --json: one JSON object per person, with \
        every skipped file and its reason). Importing the same folder again stores nothing new.

        Exit status: 0 when everyone got at least one sample, 1 when someone got none (the others \
        are still enrolled), 2 when the models are missing.

        Example:
          att-register import ../shared/faces/people --max-per-person 10
        """)

    @Argument(help: "The folder with one subfolder per person.")
    var folder: String

    @Option(help: "How subfolder names give id and name: auto, id_name, name or seed.")
    var layout: PersonFolders.Layout = .auto

    @Option(help: "Most samples to take per person (the first photos in name order that pass).")
    var maxPerPerson = 20

    @Option(name: .customLong("class"), help: "A class to enrol everyone in (created if new).")
    var classID: String?

    @Flag(help: "Do not compute embeddings now (leave it to a later att-extract run).")
    var noExtract = false

    @Option(name: .shortAndLong, help: "Worker threads, each with its own copy of the networks (default: the number of cores).")
    var jobs: Int?

    /// --jobs, else one worker per core.
    var workers: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    @OptionGroup var gateOptions: GateOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var imageOptions: ImageOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
      guard (1...1000).contains(maxPerPerson) else { throw ValidationError("--max-per-person must be between 1 and 1000.") }
      guard workers >= 1 else { throw ValidationError("--jobs must be at least 1.") }
    }

    @OptionGroup var logOptions: LogOptions

    func run() throws {
      try reportingErrors("att-register", logFormat: logOptions.logFormat) {
        let (store, media) = try storeOptions.open()
        let delivery = try storeOptions.delivery(store: store, media: media, tool: "att-register")
        defer { delivery.finishReporting(tool: "att-register") }
        Console.error("att-register: \(delivery.summary)")
        let scanned: (people: [PersonFolders.Entry], refused: [(folder: String, reason: String)])
        do {
          scanned = try PersonFolders.scan(folder, layout: layout)
        } catch {
          throw ToolError("\(folder): cannot read the folder: \(error.localizedDescription)")
        }
        for refusal in scanned.refused { Console.error("att-register: \(refusal.folder): skipped: \(refusal.reason)") }
        guard !scanned.people.isEmpty else { throw ToolError("\(folder): no person folders found") }

        let gallery = try Gallery(store: store)
        let models = modelOptions.modelSet
        let engineOptions = gateOptions.engineOptions
        let outcomes: [FolderSampling.Outcome]
        do {
          outcomes = try FolderSampling.run(
            scanned.people, workers: workers, gate: gateOptions.gate, wanted: maxPerPerson,
            makeEngine: { () throws(FaceKitError) in try FaceEngine(models: models, options: engineOptions) },
            progress: { done, total in Console.status("sampling photos: \(done)/\(total) people") })
        } catch {
          throw ToolError("\(error)", exitCode: .models)
        }
        Console.endStatus()
        // Embeddings are computed once at the end for everyone, on all cores.
        let registration = Registration(store: store, media: media, delivery: delivery, models: models, extract: false)
        var reports: [EnrolmentReport] = []
        var unreadable: [String] = []
        for outcome in outcomes {
          switch outcome.result {
          case .failure(let error):
            Console.error("att-register: \(error)")
            unreadable.append(outcome.person.personID)
          case .success(let (sampler, end)):
            let person = outcome.person
            var report = EnrolmentReport(
              personID: person.personID, name: person.name, source: FrameSource.folder(person.folder).description,
              sampler: sampler, end: end)
            try registration.register(&report, samples: sampler.samples, classID: classID, gallery: gallery)
            if !output.json { report.text.forEach(Console.output) }
            reports.append(report)
          }
        }
        if !noExtract, delivery is DirectDelivery {
          var update = EmbeddingUpdate(store: store, media: media, models: models)
          update.workers = workers
          let summary = try update.run { done, total in Console.status("embeddings \(done)/\(total)") }
          Console.endStatus()
          if !output.json {
            Console.output("\(summary.computed) embedding(s) computed, \(summary.failed) failed")
          }
          for failure in summary.failures { Console.error("att-register: \(failure.file): no embedding: \(failure.reason)") }
        }
        if output.json { try reports.forEach { Console.output(try JSONText.encode($0)) } }
        let empty = reports.filter { $0.taken == 0 }.map(\.personID) + unreadable
        if !empty.isEmpty {
          throw ToolError("no usable face for \(empty.count) person(s): \(empty.joined(separator: ", "))")
        }
      }
    }
  }
}
