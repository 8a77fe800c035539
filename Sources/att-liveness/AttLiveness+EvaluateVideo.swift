import ArgumentParser
import AttCommandLine
import AttEvaluation
import AttRecognition
import AttendanceKit
import FaceKit
import Foundation
import Synchronization

extension AttLiveness {
  /// `att-liveness eval-video`: each cue and their fusion on videos, rendered or a site's own.
  struct EvaluateVideo: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "eval-video",
      abstract: "Score each liveness cue and their fusion on videos of attacks and of live faces, as att-take runs them.",
      discussion: """
        Makes the attack videos from the evaluation material (none of it trains the texture model): \
        the print and screen stills and NUAA subject 0003's print crops held in a hand (sway, a few \
        degrees in depth, tremor) or turned in depth, photos of the people in faces/people held in a \
        hand, turned or shown on a rendered tablet, and the real video replayed on a rendered tablet (a test of the cues' mechanism, not a figure for real devices: use --real for those). The bona fide \
        presentations are the face tracks (of at least 0.9 s) in the real video(s) in faces/video.

        For each cue alone, and fused as att-take fuses them, it prints APCER per attack type (the \
        share of attack videos in which any face was ever judged live: att-take would mark it if \
        recognised), BPCER (the share of live tracks not judged live within 3 s) and the median time \
        to a live verdict. A cue that never says live (texture, context, screen, device), scored alone, \
        is shown as "attack only": the attacks it never voted against and the live tracks it voted \
        against. Exit status 0 (the figures are the result, not a pass or fail); 1 when a video could not \
        be read (it is named, the others are scored, and no lines are written), when DIR holds no \
        recording, or when --write-lines has too few live recordings to set a line (it says how many); \
        66 when DIR does not exist.

        With --real DIR it scores a site's own recordings instead, nothing rendered: DIR/live/ holds \
        videos of people in front of the camera, DIR/replay/ a phone, tablet or monitor playing a \
        face video in front of it, DIR/print/ a printed photo held up. It prints a line per \
        recording (what att-take's defaults made of it: tracks live within 3 s and when, or whether \
        an attack was accepted, with each attack vote's time and cues), then the table; an attack type \
        with no recording shows "no videos" (unmeasured, not 0%), and a recording with no face tracked \
        long and large enough to judge is named "untracked" (it is in no figure). With --json: the \
        table as one JSON object (snake_case keys, as every att tool's JSON; live_untracked, \
        attacks_untracked and not_scored name the recordings in no figure), then one JSON line per recording (recording, label, untracked, \
        live_in_time and live_after, or accepted and accepted_after, attack_votes, moire_peak, \
        flattest_motion).

        --write-lines FILE (with --real) sets the screen and flat-motion lines on the site's own live \
        recordings, as the defaults were set on ../shared: the screen line 1.44 times the highest live \
        moire, the flat line the flattest live motion over 1.5 (8 live tracks of each at least, from 5 \
        live recordings at least: record many people, on several days). \
        att-take --liveness-lines FILE uses them; eval-video --real DIR --liveness-lines FILE scores the \
        recordings again at them.
        """)

    @Option(help: ArgumentHelp("The shared material (default: $ATT_SHARED, else ../shared).", valueName: "dir"))
    var shared: String?

    @Option(
      help: ArgumentHelp(
        "The rendered set: make the videos here and keep them (default: a temporary folder, removed after).",
        valueName: "dir"))
    var videos: String?

    @Flag(help: "The rendered set: a handful of videos instead of all of them (a quick check).")
    var quick = false

    @Option(
      help: ArgumentHelp(
        "Score real recordings, labelled by sub-folder: live/, replay/ (a screen playing a face video), print/.",
        valueName: "dir"))
    var real: String?

    @Option(
      help: ArgumentHelp(
        "With --real: set the screen and flat-motion lines on the live recordings and write them to this JSON file, for att-take --liveness-lines.",
        valueName: "file"))
    var writeLines: String?

    @Option(
      help: ArgumentHelp("Score at the lines of this file (from --write-lines) instead of the defaults.", valueName: "file"))
    var livenessLines: String?

    @Option(help: ArgumentHelp("The texture model (default: liveness-texture.json in the models folder).", valueName: "file"))
    var textureModel: String?

    @Flag(help: "Print one line per video and track.")
    var verbose = false

    @OptionGroup var models: ModelOptions
    @OptionGroup var output: OutputOptions

    @OptionGroup var logOptions: LogOptions

    func run() throws {
      try reportingErrors("att-liveness", logFormat: logOptions.logFormat) {
        let modelSet = models.modelSet
        var base = TakeOptions(deviceID: "eval").liveness
        if writeLines != nil && real == nil {
          throw ToolError("--write-lines needs --real DIR: lines are set on a site's own live recordings", exitCode: .usage)
        }
        if real != nil && (quick || videos != nil) {
          throw ToolError(
            "--quick and --videos are for the rendered set: --real DIR scores the recordings in DIR as they are",
            exitCode: .usage)
        }
        if let livenessLines {
          do throws(LivenessLines.LinesError) {
            let lines = try LivenessLines.apply(file: livenessLines, to: &base)
            Console.error("att-liveness: scoring at the lines of \(livenessLines): \(lines.summary)")
            if let warning = lines.warning(for: livenessLines) { Console.warning("att-liveness: warning: \(warning)") }
          } catch { throw ToolError(error.description, exitCode: .configuration) }
        }
        let texturePath = textureModel ?? modelSet.texturePath
        base.textureModel = try TextureModel.load(texturePath)
        let folder = videos ?? NSTemporaryDirectory() + "att-liveness-\(ProcessInfo.processInfo.processIdentifier)"
        defer { if videos == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let presentations: [LivenessPresentation]
        if let real {
          // A folder that is not there is a missing input (66), as att-take's missing source is.
          guard FileManager.default.fileExists(atPath: real) else {
            throw ToolError(
              "\(real): no such folder (give one with live/, replay/ and print/ sub-folders)", exitCode: .noInput)
          }
          do {
            presentations = try RealRecordings.presentations(in: real, skipped: { Console.error("att-liveness: \($0)") })
          } catch let error as RealRecordings.LayoutError {
            throw ToolError(error.description)
          }
        } else {
          let shared = AttLiveness.sharedFolder(self.shared)
          guard FileManager.default.fileExists(atPath: "\(shared)/faces") else {
            throw ToolError("\(shared)/faces: not found (give the shared material with --shared or ATT_SHARED)")
          }
          presentations = try LivenessVideos.build(
            into: folder, shared: shared, size: quick ? .quick : .full, log: { Console.error("att-liveness: \($0)") })
        }
        Console.error("att-liveness: scoring \(presentations.count) videos")
        // Two evaluators, one per core, each taking every other video.
        let evaluators = try (0..<2).map { _ in try LivenessVideoEvaluation(models: modelSet, base: base) }
        let results = Mutex<[Int: Result<LivenessVideoEvaluation.VideoOutcome, any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
          for k in stride(from: worker, to: presentations.count, by: 2) {
            let result = Result { try evaluators[worker].run(presentations[k]) }
            results.withLock { $0[k] = result }
          }
        }
        // A recording that cannot be read is named and left out; the others are still scored.
        var outcomes: [LivenessVideoEvaluation.VideoOutcome] = []
        var unscored: [String] = []
        results.withLock { all in
          for k in presentations.indices {
            switch all[k]! {
            case .success(let outcome): outcomes.append(outcome)
            case .failure(let error):
              unscored.append(presentations[k].path)
              let path = presentations[k].path, said = "\(error)"
              Console.error("att-liveness: not scored: " + (said.contains(path) ? said : "\(path): \(said)"))
            }
          }
        }
        if outcomes.isEmpty { throw ToolError("no video could be scored (each is named above)") }
        // A site's folder always shows both attack types, measured or not.
        var report = evaluators[0].report(outcomes, kinds: real == nil ? [] : RealRecordings.attackTypes)
        report.notScored = unscored
        let notScored = ToolError(
          "\(unscored.count) of \(presentations.count) videos not scored (named above); the figures are over the other \(outcomes.count)"
            + (writeLines == nil ? "" : ", and no lines were written"))
        // Lines are written only from every recording; a video not scored fails the run (after the figures).
        func finish() throws {
          if !unscored.isEmpty { throw notScored }
          if let writeLines, let real {
            do throws(LivenessLines.LinesError) {
              let lines = try evaluators[0].lines(outcomes, solidLine: base.solidResidual, measuredOn: real)
              try lines.write(to: writeLines)
              Console.error(
                "att-liveness: wrote \(writeLines): \(lines.summary); att-take --liveness-lines \(writeLines) uses them, "
                  + "and eval-video --real \(real) --liveness-lines \(writeLines) scores these recordings at them")
              if let warning = lines.belowDefault(LivenessOptions()) { Console.warning("att-liveness: warning: \(warning)") }
            } catch { throw ToolError(error.description, exitCode: .failure) }
          }
        }
        if output.json {
          Console.output(try JSONText.encode(report))
          // With --real, what the defaults made of each recording, a JSON line each (as the text's lines).
          if real != nil, let defaults = evaluators[0].settings.last {
            for outcome in outcomes { Console.output(try JSONText.encode(evaluators[0].result(outcome, setting: defaults.name))) }
          }
          if verbose { for outcome in outcomes { Console.output(try JSONText.encode(outcome)) } }
          try finish()
          return
        }
        if verbose {
          let minimum = evaluators[0].minLiveSeconds
          Console.output("Each track's figures:")
          for line in LivenessFigures.legend(evaluators[0].options) { Console.output("  " + line) }
          Console.output("")
          for outcome in outcomes {
            Console.output("\(outcome.presentation.name) (\(outcome.presentation.material)), \(outcome.frames) frames")
            if outcome.tracks.isEmpty { Console.output("  no face tracked") }
            for t in outcome.tracks {
              // Counts as whole numbers (blinks=1), the rest as measured (ear=0.293).
              let figures = t.figures.sorted { $0.key < $1.key }
                .map {
                  "\($0.key)=\(abs($0.value) < 1e9 && $0.value == $0.value.rounded() ? String(Int($0.value)) : String($0.value))"
                }
                .joined(separator: " ")
              let short =
                outcome.presentation.kind == .live && t.seconds < minimum ? " (under \(minimum) s: not in BPCER)" : ""
              Console.output(
                String(format: "  track %d, %.2f s%@: %@", t.track, t.seconds, short as NSString, figures as NSString))
              for setting in evaluators[0].settings {
                let verdict = t.verdicts[setting.name]
                let said =
                  verdict?.liveAfter.map { String(format: "live after %.2f s", $0) }
                  ?? (verdict?.spoof == true ? "voted attack" : setting.attackOnly ? "no attack vote" : "never live")
                Console.output("    \(setting.name): \(said)")
              }
            }
          }
          Console.output("")
        }
        if real != nil, let defaults = evaluators[0].settings.last {
          let at = livenessLines.map { "at the lines of \($0)" } ?? "at att-take's defaults"
          Console.output("Each recording, \(at) (\(defaults.name)):")
          for outcome in outcomes { Console.output("  " + evaluators[0].clipLine(outcome, setting: defaults.name)) }
          Console.output(evaluators[0].liveSpread(outcomes))
          Console.output("")
        }
        // "real recording of live faces (16)": the material, then how many (its name is singular).
        let kinds = Dictionary(grouping: outcomes.map(\.presentation), by: \.material).sorted { $0.key < $1.key }
          .map { "\($0.key) (\($0.value.count))" }
        Console.output("Videos (\(outcomes.count)): " + kinds.joined(separator: "; "))
        Console.output(
          "Operating points: blink below \(base.closeFraction) of the open-eye ratio and \(base.noiseMargin) robust deviations "
            + "under its median for \(Int(base.minClosure * 1000))-\(Int(base.maxClosure * 1000)) ms; "
            + "motion flat below \(base.planarResidual), solid above \(base.solidResidual) of the eye distance over \(base.minMovingPairs) moving pairs; "
            + "texture P(live) median under \(String(format: "%.3f", base.textureModel!.threshold)) over \(base.textureSamples) crops; "
            + "screen moire median over \(base.screenMoire) over \(base.textureSamples) crops"
        )
        Console.output(report.text)
        try finish()
      }
    }
  }
}
