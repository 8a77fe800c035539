import ArgumentParser
import AttCommandLine
import AttDeliveryOptions
import AttendanceKit
import FaceKit
import FaceVideo
import AttFrames
import Foundation

extension AttRegister {
  /// `att-register add`: enrol one person from a camera, a video, a photo or a folder of photos.
  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Enrol one person from a camera, a video, an image or a folder of images.",
      discussion: """
        Reads frames from --source until --count faces have passed the quality gate, then stores \
        them as the person's samples. From a video or camera, samples are at least --interval \
        seconds apart and must differ from each other, so that they show the face in different \
        moments rather than one frame many times; all must be the same person. If the faces \
        look like someone already enrolled, a warning says so.

        Running add again for an enrolled id adds samples (and updates the name); the same crop \
        is never stored twice.

        Exit status: 0 when at least one sample was stored (fewer than --count is a warning), \
        1 when no face passed the gate (nothing is written), 2 when the models are missing, \
        64 for a usage error, 66 when the source does not exist or cannot be read, 78 for an \
        unusable setting.

        Examples:
          att-register add --id 21CS001 --name "Asha Rao" --source 0 --count 5
          att-register add --id 21CS002 --name "Ravi Kumar" --source enrol/ravi.mp4 --class CS
          att-register add --id 21CS003 --name "Lena Mueller" --source photos/lena/
        """)

    @Option(help: "The person's id, e.g. a roll number (letters, digits, '-', '_', '.').")
    var id: String

    @Option(help: "The person's display name.")
    var name: String

    @Option(
      help: ArgumentHelp(
        "A camera index (0) or device (/dev/video0), a video file or stream URL, an image file, or a folder of images.",
        valueName: "source"))
    var source: String

    @Option(help: "How many face samples to take.")
    var count = 5

    @Option(help: "Seconds between samples from a video or camera.")
    var interval = 0.5

    @Option(name: .customLong("class"), help: "A class to enrol the person in (created if new).")
    var classID: String?

    @Option(help: "Give up on a camera or stream after this many seconds.")
    var timeout = 60.0

    @Flag(help: "Do not compute embeddings now (leave it to a later att-extract run).")
    var noExtract = false

    @OptionGroup var gateOptions: GateOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var imageOptions: ImageOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
      if let problem = PersonIdentity.validate(id: id) { throw ValidationError(problem) }
      if let problem = PersonIdentity.validate(name: name) { throw ValidationError(problem) }
      guard (1...100).contains(count) else { throw ValidationError("--count must be between 1 and 100.") }
      guard interval >= 0 else { throw ValidationError("--interval must not be negative.") }
      guard timeout > 0 else { throw ValidationError("--timeout must be positive.") }
    }

    @OptionGroup var logOptions: LogOptions

    func run() throws {
      try reportingErrors("att-register", logFormat: logOptions.logFormat) {
        let (store, media) = try storeOptions.open()
        let delivery = try storeOptions.delivery(store: store, media: media, tool: "att-register")
        defer { delivery.finishReporting(tool: "att-register") }
        Console.error("att-register: \(delivery.summary)")
        let frames: FrameSource
        let reader: FrameReader
        // A source that does not exist or cannot be read exits 66 (EX_NOINPUT; reportingErrors maps it).
        frames = try FrameSource(source)
        reader = try frames.open()
        let sampler = FaceSampler(
          engine: try modelOptions.engine(gateOptions.engineOptions), gate: gateOptions.gate, wanted: count,
          interval: interval)
        let end = sampler.collect(from: reader, timeout: frames.isLive ? timeout : nil) { sample in
          Console.error(
            String(
              format: "  sample %d/%d from %@ (face %d px, sharpness %.0f, yaw %.2f)", sampler.samples.count, count,
              sample.origin, sample.quality.faceSize, sample.quality.sharpness, sample.quality.yaw))
        }
        var report = EnrolmentReport(personID: id, name: name, source: frames.description, sampler: sampler, end: end)
        if sampler.samples.count < count && !sampler.samples.isEmpty {
          report.warnings.append(
            "only \(sampler.samples.count) of \(count) samples: \(end.rawValue.replacingOccurrences(of: "_", with: " "))")
        }
        let registration = Registration(
          store: store, media: media, delivery: delivery, models: modelOptions.modelSet, extract: !noExtract)
        try registration.register(&report, samples: sampler.samples, classID: classID, gallery: try Gallery(store: store))
        if output.json {
          Console.output(try JSONText.encode(report))
        } else {
          report.text.forEach(Console.output)
        }
        if sampler.samples.isEmpty {
          throw ToolError("no face from \(source) passed the quality gate; nothing was stored")
        }
      }
    }
  }
}
