import AttTestSupport
import FaceKit
import Foundation
import Testing

/// The built `att-extract` binary, run as a user or a script would.
enum AttExtract {
  static let shared = Checkout.shared
  static let testImages = Checkout.testImages

  static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> ToolRun {
    try ToolRun.run("att-extract", arguments, stdin: stdin, environment: environment)
  }
}

extension ToolRun {
  func reports() throws -> [ImageReport] {
    try lines.map { try JSONDecoder().decode(ImageReport.self, from: Data($0.utf8)) }
  }
}

@Suite("att-extract embed", .testThreads)
struct EmbedCommandTests {
  @Test("prints one JSON line per file with 128-d embeddings, in order, and exits 0")
  func embeds() throws {
    let files = ["obama.jpg", "biden.jpg", "obama2.jpg"].map { "\(AttExtract.testImages)/\($0)" }
    let result = try AttExtract.run(["embed"] + files)
    #expect(result.status == 0, "\(result.stderr)")
    let reports = try result.reports()
    #expect(reports.map(\.file) == files)
    for report in reports {
      #expect(report.faces?.count == 1)
      #expect(report.faces?.first?.embedding.values.count == 128)
    }
    let (obama, biden, obama2) = (reports[0].faces![0].embedding, reports[1].faces![0].embedding, reports[2].faces![0].embedding)
    #expect(obama.distance(to: obama2) < 0.6)
    #expect(obama.distance(to: biden) > 0.6)
  }

  @Test("a bad file gets an error line naming it, the rest still come, and the exit status is 1")
  func badFileGoesOn() throws {
    let files = ["\(AttExtract.shared)/bad-inputs/zero_bytes.jpg", "\(AttExtract.testImages)/biden.jpg", "/nonexistent.jpg"]
    let result = try AttExtract.run(["embed"] + files)
    #expect(result.status == 1)
    let reports = try result.reports()
    #expect(reports.map(\.file) == files)
    #expect(reports.map(\.code) == ["empty", nil, "not_found"])
    #expect(reports[1].faces?.count == 1)
  }

  @Test("'-' reads the paths from standard input")
  func standardInput() throws {
    let files = ["obama3.jpg", "obama_partial_face.jpg"].map { "\(AttExtract.testImages)/\($0)" }
    let result = try AttExtract.run(["embed", "-", "--largest-only"], stdin: files.joined(separator: "\n") + "\n\n")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try result.reports().map(\.file) == files)
  }

  @Test("missing models stop it with exit status 2 and a line naming the file")
  func missingModels() throws {
    let result = try AttExtract.run(["embed", "--models", "/nonexistent-models", "\(AttExtract.testImages)/obama.jpg"])
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("/nonexistent-models/"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test("ATT_MODELS names the model folder")
  func modelsFromEnvironment() throws {
    let result = try AttExtract.run(["embed", "\(AttExtract.testImages)/obama.jpg"], environment: ["ATT_MODELS": "/elsewhere"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("/elsewhere/"))
  }

  @Test(
    "usage errors are explained and exit 64",
    arguments: [["embed"], ["embed", "--upsample", "9", "x.jpg"], ["embed", "--detector", "sift", "x.jpg"]])
  func usage(arguments: [String]) throws {
    let result = try AttExtract.run(arguments)
    #expect(result.status == 64)
    #expect(!result.stderr.isEmpty)
  }

  @Test("--help describes the output and the exit status")
  func help() throws {
    let result = try AttExtract.run(["embed", "--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("Exit status"))
    #expect(result.stdout.contains("--detector"))
  }
}
