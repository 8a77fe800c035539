import AttTestSupport
import FaceKit
import Foundation
import Synchronization
import Testing

@Suite("Batches over many files", .testThreads)
struct ImageBatchTests {
  /// Runs a batch and collects what it delivers, in delivery order.
  static func run(_ files: [String], workers: Int) throws -> [ImageReport] {
    let queue = Mutex(files[...])
    let reports = Mutex<[ImageReport]>([])
    try ImageBatch.run(
      workers: workers, limits: .standard,
      makeEngine: { () throws(FaceKitError) in try FaceEngine(models: Fixtures.models) },
      next: { queue.withLock { $0.popFirst() } },
      deliver: { report in reports.withLock { $0.append(report) } })
    return reports.withLock { $0 }
  }

  @Test("every bad input gives a result or a specific error, in input order, and no crash")
  func badInputs() throws {
    let files = Fixtures.files(in: "\(Fixtures.shared)/bad-inputs")
    #expect(files.count >= 30)
    let reports = try Self.run(files, workers: 2)
    #expect(reports.map(\.file) == files)
    let known: Set = [
      "not_found", "unreadable", "empty", "unsupported_format", "corrupt", "transparent", "truncated", "too_large",
    ]
    for report in reports {
      if let code = report.code {
        #expect(known.contains(code), "\(report.file): \(code)")
        #expect(report.error?.isEmpty == false)
      } else {
        #expect(report.faces != nil, "\(report.file)")
      }
    }
    let faces = Dictionary(uniqueKeysWithValues: reports.map { ($0.file.split(separator: "/").last!, $0.faces?.count) })
    #expect(faces["many_faces_bald_guys.jpg"] == 24)
    #expect(faces["rgba_32bit_real_face.png"] == 1)
    #expect(faces["noface_dlib_dogs.jpg"] == 0)
    #expect(faces["zero_bytes.jpg"] == .some(nil))
    #expect(
      reports.first { $0.file.hasSuffix("/rgba_fully_transparent.png") }?.code == "transparent",
      "nothing in it is visible")
  }

  @Test("two workers deliver exactly what one worker delivers")
  func workersAgree() throws {
    let files = Fixtures.people("john_simm") + Fixtures.people("bbt_amy")
    let one = try Self.run(files, workers: 1)
    let two = try Self.run(files, workers: 2)
    #expect(one == two)
    #expect(one.count == files.count)
  }

  @Test("a model problem is thrown once, before any file is read")
  func modelErrorUpFront() {
    let reports = Mutex(0)
    #expect(throws: FaceKitError.self) {
      try ImageBatch.run(
        workers: 2, limits: .standard,
        makeEngine: { () throws(FaceKitError) in try FaceEngine(models: ModelSet(directory: "/nonexistent")) },
        next: { "unused.jpg" },
        deliver: { _ in reports.withLock { $0 += 1 } })
    }
    #expect(reports.withLock { $0 } == 0)
  }

  @Test("a report prints as one JSON line, file first, that decodes back")
  func jsonLine() throws {
    let reports = try Self.run([Fixtures.testImage("obama.jpg"), "/nonexistent/a \"quoted\" name.jpg"], workers: 1)
    let first = reports[0].jsonLine
    #expect(first.hasPrefix("{\"file\":"))
    #expect(!first.contains("\n"))
    #expect(try JSONDecoder().decode(ImageReport.self, from: Data(first.utf8)) == reports[0])
    let second = try JSONDecoder().decode(ImageReport.self, from: Data(reports[1].jsonLine.utf8))
    #expect(second.file == "/nonexistent/a \"quoted\" name.jpg")
    #expect(second.code == "not_found")
  }
}
