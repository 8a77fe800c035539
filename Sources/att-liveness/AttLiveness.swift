import ArgumentParser
import AttCommandLine
import AttEvaluation
import AttRecognition
import AttendanceKit
import FaceKit
import Foundation
import Synchronization

/// `att-liveness`: trains and evaluates the passive (texture) liveness cue on labelled material.
@main
struct AttLiveness: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "att-liveness",
    abstract:
      "Measure the liveness cues (APCER and BPCER) on a site's own real recordings or on rendered attacks, and train the passive texture cue.",
    discussion: """
      The material is ../shared/faces/liveness (or --material): NUAA live and printed-photo face \
      crops, and three stills (live, print, screen). It is split by subject so that no face is both \
      trained and evaluated on: NUAA subjects 0001-0002 train, subject 0003 and the stills evaluate.
      """,
    version: AttVersion.current,
    subcommands: [Train.self, Evaluate.self, EvaluateVideo.self])

  /// The shared material: `explicit`, else $ATT_SHARED, else ../shared.
  static func sharedFolder(_ explicit: String?) -> String {
    explicit ?? ProcessInfo.processInfo.environment["ATT_SHARED"] ?? "../shared"
  }

  struct MaterialOptions: ParsableArguments {
    @Option(
      help: ArgumentHelp(
        "The labelled material (default: $ATT_SHARED/faces/liveness, else ../shared/faces/liveness).", valueName: "dir"))
    var material: String?

    func folder() -> String {
      material ?? "\(AttLiveness.sharedFolder(nil))/faces/liveness"
    }

    /// Every sample with its features (one HOG detector; ~150 images).
    func load() throws -> [(LivenessSample, [Float])] {
      let folder = folder()
      let samples = try LivenessMaterial.samples(in: folder)
      guard !samples.isEmpty else {
        throw ToolError("\(folder): no liveness material (nuaa_live/, nuaa_spoof_print/, live/, ...)")
      }
      let detector = try HOGFaceDetector(upsample: 1)
      return try samples.map { ($0, try LivenessMaterial.features($0, detector: detector)) }
    }
  }

  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train the texture model on the training split and write it (reproducibly: same material, same bytes).")

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the model.", valueName: "file"))
    var output = "Models/liveness-texture.json"

    @Option(help: "L2 regularisation strength (larger: simpler model).")
    var l2: Float = 0.3

    @OptionGroup var material: MaterialOptions

    @OptionGroup var logOptions: LogOptions

    func run() throws {
      try reportingErrors("att-liveness", logFormat: logOptions.logFormat) {
        let all = try material.load()
        let training = all.filter { $0.0.split == .training }
        let model = TextureModel.train(
          training.map(\.1), labels: training.map { $0.0.kind == .live ? 1 : 0 },
          l2: l2,
          trainedOn:
            "NUAA subjects \(LivenessMaterial.trainingSubjects.sorted().joined(separator: ", ")): \(training.count) crops")
        try DurableFile.write(Data(model.fileText().utf8), to: output, mode: 0o644)
        Console.error(
          "att-liveness: wrote \(output) (\(training.count) training samples, threshold \(String(format: "%.3f", model.threshold)))"
        )
        Console.output(LivenessReport.evaluate(model: model, samples: all, split: .training).text)
      }
    }
  }

  struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "eval", abstract: "Print APCER per attack type and BPCER on the evaluation split (and the training split).")

    @Option(help: ArgumentHelp("The model.", valueName: "file"))
    var model = "Models/liveness-texture.json"

    @OptionGroup var material: MaterialOptions
    @OptionGroup var output: OutputOptions

    @OptionGroup var logOptions: LogOptions

    func run() throws {
      try reportingErrors("att-liveness", logFormat: logOptions.logFormat) {
        let model = try TextureModel.load(self.model)
        let all = try material.load()
        let reports = [
          LivenessReport.evaluate(model: model, samples: all, split: .evaluation),
          LivenessReport.evaluate(model: model, samples: all, split: .training),
        ]
        if output.json {
          for report in reports { Console.output(try JSONText.encode(report)) }
        } else {
          Console.output(reports.map(\.text).joined(separator: "\n\n"))
        }
      }
    }
  }
}
