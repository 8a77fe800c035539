@testable import AttRecognition
import AttTestSupport
import FaceKit
import Foundation
import Testing

@testable import AttendanceKit

@Suite("A camera host's gallery: updates applied, the 0600 cache, its errors", .testThreads)
struct GalleryCacheTests {
  static func vector(_ seed: Float) -> Data {
    try! FaceDescriptor((0..<128).map { Float($0) * 0.001 + seed }).blob
  }

  static let base = GalleryUpdate(
    gallery: "abc123", version: 4, model: EmbeddingModel.standard.id, full: true,
    people: [
      .init(id: "A", name: "Ann", embeddings: [Self.vector(0.1), Self.vector(0.2)]),
      .init(id: "B", name: "Bo", embeddings: [Self.vector(0.3)]),
    ], removed: [])

  @Test("a delta replaces the people it names and drops the removed; one for another gallery is refused")
  func deltas() throws {
    let delta = GalleryUpdate(
      gallery: "abc123", version: 9, model: EmbeddingModel.standard.id, full: false,
      people: [
        .init(id: "C", name: "Cy", embeddings: [Self.vector(0.4)]),
        .init(id: "A", name: "Ann B.", embeddings: [Self.vector(0.5)]),
      ],
      removed: ["B"])
    let merged = try delta.applied(to: Self.base)
    #expect(merged.full && merged.version == 9)
    #expect(merged.people.map(\.id) == ["A", "C"])
    #expect(merged.people[0].name == "Ann B." && merged.people[0].embeddings == [Self.vector(0.5)])
    let matcher = try GalleryMatcher(gallery: try merged.matchingGallery())
    #expect(matcher.people.map(\.id) == ["A", "C"] && matcher.embeddings == 2)

    let foreign = GalleryUpdate(
      gallery: "other", version: 1, model: EmbeddingModel.standard.id, full: false, people: [], removed: [])
    #expect(throws: GalleryUpdateError.foreignDelta(base: Self.base.galleryVersion, delta: foreign.galleryVersion)) {
      try foreign.applied(to: Self.base)
    }
    #expect(throws: GalleryUpdateError.deltaWithoutBase) { try delta.applied(to: nil) }
    let broken = GalleryUpdate(
      gallery: "abc123", version: 9, model: EmbeddingModel.standard.id, full: true,
      people: [.init(id: "X", name: "X", embeddings: [Data(count: 100)])], removed: [])
    #expect(throws: GalleryUpdateError.badEmbedding(person: "X", index: 0)) { try broken.matchingGallery() }
    #expect(GalleryVersion("abc123:42") == GalleryVersion(gallery: "abc123", sequence: 42))
    for bad in ["", "abc", "abc:", ":1", "a b:1", "abc:-1", "abc:1:2"] { #expect(GalleryVersion(bad) == nil, "\(bad)") }
  }

  @Test("the cache: mode 0600, read back whole; a removal scrubs the old bytes; bad files are refused by name")
  func cache() throws {
    let folder = try Checkout.scratchFolder("gallery-cache")
    let cache = GalleryCache(path: "\(folder)/data/gallery-cache.json")
    #expect(try cache.load(model: EmbeddingModel.standard.id) == nil, "no cache yet")
    try cache.save(Self.base, scrubbing: false)
    let attributes = try FileManager.default.attributesOfItem(atPath: cache.path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    #expect(try cache.load(model: EmbeddingModel.standard.id) == Self.base)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: "\(folder)/data") == ["gallery-cache.json"], "no temporary file left")

    // The file is replaced without B; the old file's blocks were zeroed first (seen through a hard link).
    try FileManager.default.linkItem(atPath: cache.path, toPath: "\(folder)/old-inode")
    let without = GalleryUpdate(
      gallery: "abc123", version: 5, model: EmbeddingModel.standard.id, full: true, people: [Self.base.people[0]], removed: [])
    try cache.save(without, scrubbing: true)
    let oldBytes = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/old-inode"))
    #expect(!oldBytes.isEmpty && oldBytes.allSatisfy { $0 == 0 }, "the old file's bytes are zeros")
    #expect(try cache.load(model: EmbeddingModel.standard.id)?.people.map(\.id) == ["A"])

    #expect(throws: GalleryCache.LoadError.self) { try cache.load(model: "dlib_resnet_v1+jitters10") }
    try Data("{not json".utf8).write(to: URL(fileURLWithPath: cache.path))
    do {
      _ = try cache.load(model: EmbeddingModel.standard.id)
      Issue.record("a broken cache was read")
    } catch {
      #expect("\(error)".contains(cache.path) && "\(error)".contains("cannot be read"))
    }
    cache.erase()
    #expect(!FileManager.default.fileExists(atPath: cache.path))
  }
}
