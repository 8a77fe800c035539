import ArgumentParser
import AttCommandLine
import FaceKit
import Foundation

extension AttExtract {
  /// `att-extract embed FILE...`: one JSON line of faces and embeddings per image.
  struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the faces and embeddings of image files as JSON lines.",
      discussion: """
        For each FILE, in the order given, one line on standard output:

          {"file":"a.jpg","width":640,"height":480,"faces":[{"box":[l,t,r,b],"score":1.9,"embedding":[...128 numbers]}]}

        box is in pixels, left/top inclusive and right/bottom exclusive, clipped to the image; score \
        is the detector's confidence. An image with no face has "faces":[]. A file that cannot be \
        read gives {"file":...,"error":"why","code":"kind"} (code is one of not_found, unreadable, \
        empty, unsupported_format, corrupt, transparent, truncated, too_large) and att-extract goes on with the rest.

        JPEG, PNG, BMP, WebP and TIFF are read; grayscale, alpha and 16-bit images are converted \
        and the EXIF orientation is applied. The work is spread over --jobs workers, each with its \
        own copy of the networks (about 200 MB each); the output order does not depend on it.

        Exit status: 0 when every file was read (with or without faces), 1 when at least one file \
        gave an error line, 2 when the models cannot be loaded, 64 for a usage error.

        Examples:
          att-extract embed photos/*.jpg > faces.jsonl
          find media -name '*.jpg' | att-extract embed - | jq -c '{file, n: (.faces | length)}'
        """
    )

    @Argument(help: "Image files to read; '-' reads one path per line from standard input.")
    var files: [String]

    @Option(
      help:
        "Face detector: retinaface (small and turned faces, from about 12 px), hog (frontal faces) or cnn (dlib's MMOD, ~10x slower)."
    )
    var detector: DetectorKind = .retinaface

    @Option(help: "hog and cnn: how many times to double the image before detecting (0-4); 1 finds faces down to ~40 px.")
    var upsample: Int = 1

    @Option(help: "Descriptor jitters (1-100): >1 averages that many jittered copies per face, that many times slower.")
    var jitters: Int = 1

    @Flag(help: "Keep only the largest face of each image.")
    var largestOnly = false

    @Option(
      help: "Detect on a copy shrunk to this many pixels on the longer side (0: full size); boxes and embeddings stay full size.")
    var maxDetectionSide: Int = FaceEngineOptions().maxDetectionSide

    @Option(help: "Folder with the dlib model files (default: $ATT_MODELS, else ./Models).")
    var models: String?

    @Option(help: "Refuse images with more pixels than this (an 8000x6000 photo is 48000000).")
    var maxPixels: Int = ImageLimits.standard.maxPixels

    @Option(name: .shortAndLong, help: "Worker threads (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "JSON Lines on standard output: what embed always prints (accepted, as every tool takes --json).")
    var json = false

    /// --jobs, else one worker per core.
    var workers: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
      guard !files.isEmpty else { throw ValidationError("Give at least one image file, or '-' to read paths from stdin.") }
      guard (0...4).contains(upsample) else { throw ValidationError("--upsample must be between 0 and 4.") }
      guard (1...100).contains(jitters) else { throw ValidationError("--jitters must be between 1 and 100.") }
      guard maxDetectionSide >= 0 else { throw ValidationError("--max-detection-side must not be negative.") }
      guard workers >= 1 else { throw ValidationError("--jobs must be at least 1.") }
      guard maxPixels >= 1 else { throw ValidationError("--max-pixels must be positive.") }
    }

    func run() throws {
      let modelSet = ModelSet.locate(explicit: models)
      let options = FaceEngineOptions(
        detector: detector, upsample: upsample, jitters: jitters, largestOnly: largestOnly,
        maxDetectionSide: maxDetectionSide)
      let inputs = InputPaths(arguments: files)
      let output = ReportWriter()
      do {
        try ImageBatch.run(
          workers: workers, limits: ImageLimits(maxPixels: maxPixels),
          makeEngine: { () throws(FaceKitError) in try FaceEngine(models: modelSet, options: options) },
          next: { inputs.next() },
          deliver: { output.write($0) })
      } catch {
        Console.error("att-extract: \(error)")
        throw ExitCode(2)
      }
      output.finish()
      if output.failures > 0 { throw ExitCode(1) }
    }
  }
}
