import AttTestSupport
import FaceKit
import Foundation
import GRDB
import Testing

@testable import AttendanceKit

@Suite("att-extract's incremental update", .testThreads)
struct EmbeddingUpdateTests {
  @Test("computes one embedding per sample, equal to the engine's own on the stored file; a second run does nothing")
  func computesThenNoOp() throws {
    let s = try Scratch()
    _ = try s.register("21CS001", "Barack Obama", person: "barack_obama", faces: 3)
    _ = try s.register("21CS002", "Joe Biden", person: "joe_biden", faces: 2)

    let first = try s.update().run()
    #expect(first.computed == 5 && first.failed == 0 && first.samples == 5)
    #expect(try s.count("SELECT count(*) FROM embeddings WHERE model = ?", [EmbeddingModel.standard.id]) == 5)

    // The stored vector is the engine's descriptor of the largest face of the stored file.
    let engine = try FaceEngine(models: Scratch.models, options: EmbeddingModel.standardOptions)
    let rows = try s.store.writer.read { db in
      try Row.fetchAll(db, sql: "SELECT s.media_path, e.vector FROM embeddings e JOIN face_samples s ON s.id = e.sample_id")
    }
    for row in rows {
      let stored = try #require(FaceDescriptor(blob: row["vector"]))
      let path = s.media.fullPath(row["media_path"])
      let direct = try #require(try engine.analyze(try Image(contentsOfFile: path)).max { $0.box.area < $1.box.area })
      #expect(stored.distance(to: direct.descriptor) < 1e-5, "\(path)")
    }

    let second = try s.update().run()
    #expect(second.nothingToDo)
    #expect(second.unchanged == 5 && second.computed == 0)
  }

  @Test("a changed file is recomputed, a deleted one loses its sample and embedding, a touched one is only re-hashed")
  func changedAndDeletedFiles() throws {
    let s = try Scratch()
    _ = try s.register("21CS001", "Barack Obama", person: "barack_obama", faces: 3)
    _ = try s.update().run()
    let paths = try s.store.writer.read { db in
      try String.fetchAll(db, sql: "SELECT media_path FROM face_samples ORDER BY id")
    }.map(s.media.fullPath)
    let before = try vector(s, paths[0])

    // Replace the first file's content with another photo, delete the second, touch the third.
    let other = try Scratch.photos("joe_biden")[0]
    try FileManager.default.removeItem(atPath: paths[0])
    try FileManager.default.copyItem(atPath: other, toPath: paths[0])
    try FileManager.default.removeItem(atPath: paths[1])
    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: paths[2])

    let summary = try s.update().run()
    #expect(summary.computed == 1)
    #expect(summary.removed == 1)
    #expect(summary.unchanged == 1)
    #expect(try s.count("SELECT count(*) FROM face_samples") == 2)
    #expect(try s.count("SELECT count(*) FROM embeddings") == 2)
    let after = try vector(s, paths[0])
    #expect(before.distance(to: after) > 0.6, "the new content is another person")
    #expect(try s.update().run().nothingToDo)
  }

  @Test("images dropped into a person's media folder are adopted; bad files are recorded once and not retried")
  func adoptsAndRemembersFailures() throws {
    let s = try Scratch()
    _ = try s.register("21CS001", "Barack Obama", person: "barack_obama", faces: 1)
    let folder = s.media.folder(personID: "21CS001")
    try FileManager.default.copyItem(atPath: try Scratch.photos("barack_obama")[1], toPath: "\(folder)/extra.jpg")
    let bad = ["truncated_half.jpg", "text_file.jpg", "noface_rocket.jpg", "zero_bytes.jpg"]
    for name in bad {
      try FileManager.default.copyItem(atPath: "\(Scratch.shared)/bad-inputs/\(name)", toPath: "\(folder)/\(name)")
    }
    try FileManager.default.createDirectory(atPath: s.media.folder(personID: "nobody"), withIntermediateDirectories: true)

    let first = try s.update().run()
    #expect(first.adopted == 5)
    #expect(first.computed == 2)
    #expect(first.failed == bad.count)
    #expect(Set(first.failures.map(\.code)) == ["truncated", "unsupported_format", "no_face", "empty"])
    #expect(first.strayFolders == [s.media.folder(personID: "nobody")])
    #expect(try s.count("SELECT count(*) FROM face_samples WHERE failure IS NOT NULL") == bad.count)

    let second = try s.update().run()
    #expect(second.nothingToDo)
    #expect(second.knownFailures == bad.count)
  }

  @Test("two updates running at once on one database leave exactly one embedding per sample")
  func concurrentUpdates() async throws {
    let s = try Scratch()
    _ = try s.register("21CS001", "Barack Obama", person: "barack_obama", faces: 4)
    _ = try s.register("21CS002", "Joe Biden", person: "joe_biden", faces: 2)
    let a = s.update(workers: 1), b = s.update(workers: 1)
    async let first = Task.detached { try a.run() }.value
    async let second = Task.detached { try b.run() }.value
    let results = try await [first, second]
    #expect(results.allSatisfy { $0.failed == 0 })
    #expect(try s.count("SELECT count(*) FROM embeddings") == 6)
    #expect(try s.count("SELECT count(DISTINCT sample_id) FROM embeddings") == 6)
    #expect(try s.update().run().nothingToDo)
  }

  @Test("the lock admits one holder at a time and is free again after release")
  func processLock() throws {
    let s = try Scratch()
    let path = "\(s.folder)/x.lock"
    let held = try #require(try ProcessLock(path: path, wait: false))
    #expect(try ProcessLock(path: path, wait: false) == nil)
    held.release()
    #expect(try ProcessLock(path: path, wait: false) != nil)
  }

  private func vector(_ s: Scratch, _ fullPath: String) throws -> FaceDescriptor {
    let relative = String(fullPath.dropFirst(s.media.root.count + 1))
    let blob = try s.store.writer.read { db in
      try Data.fetchOne(
        db, sql: "SELECT e.vector FROM embeddings e JOIN face_samples s ON s.id = e.sample_id WHERE s.media_path = ?",
        arguments: [relative])
    }
    return try #require(blob.flatMap { FaceDescriptor(blob: $0) })
  }
}
