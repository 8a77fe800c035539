import ArgumentParser
import AttCommandLine
import AttendanceKit
import FaceKit
import Foundation

extension AttRegister {
  /// `att-register check FILE...`: what the quality gate thinks of photos, without enrolling anyone.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show what the quality gate measures and decides for image files; nothing is stored.",
      discussion: """
        For each FILE one line: ok or the reason it would be refused, with the face's width, \
        sharpness, brightness, contrast, yaw and roll. Use it to see why a photo is refused, or to \
        tune --min-face, --min-sharpness and --max-yaw for a camera. With --json, one JSON object per \
        file. Exit status: 0 when every file passes, 1 otherwise.
        """)

    @Argument(help: "Image files.")
    var files: [String]

    @OptionGroup var gateOptions: GateOptions
    @OptionGroup var imageOptions: ImageOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions

    /// The verdict on one file.
    struct Verdict: Encodable {
      let file: String
      var faces: Int?
      var ok = false
      var code: String?
      var reason: String?
      var quality: FaceQuality?

      enum CodingKeys: String, CodingKey { case file, faces, ok, code, reason, quality }

      var text: String {
        var line = "\(file): " + (ok ? "ok" : "refused: \(reason ?? "?")")
        if let q = quality {
          line += String(
            format: " (face %d px, sharpness %.0f, brightness %.0f, contrast %.0f, yaw %.2f, roll %.0f)",
            q.faceSize, q.sharpness, q.brightness, q.contrast, q.yaw, q.roll)
        }
        return line
      }
    }

    @OptionGroup var logOptions: LogOptions

    func run() throws {
      try reportingErrors("att-register", logFormat: logOptions.logFormat) {
        let engine = try modelOptions.engine(gateOptions.engineOptions)
        var failures = 0
        for file in files {
          var verdict = Verdict(file: file)
          do throws(FaceKitError) {
            let image = try Image(contentsOfFile: file)
            let faces = gateOptions.gate.subjects(of: try engine.detectFaces(in: image))
            verdict.faces = faces.count
            if faces.count == 1, let face = faces.first {
              let quality = try FaceQuality(face: try engine.landmarks.landmarks(of: face, in: image), in: image)
              let problem = gateOptions.gate.problem(with: quality)
              verdict.quality = quality
              verdict.ok = problem == nil
              verdict.code = problem?.code
              verdict.reason = problem?.description
            } else {
              let rejection: SampleRejection = faces.isEmpty ? .noFace : .severalFaces(faces.count)
              verdict.code = rejection.code
              verdict.reason = rejection.description
            }
          } catch {
            verdict.code = error.code
            verdict.reason = error.reason
          }
          if !verdict.ok { failures += 1 }
          Console.output(output.json ? try JSONText.encode(verdict) : verdict.text)
        }
        if failures > 0 { throw ExitCode(1) }
      }
    }
  }
}
