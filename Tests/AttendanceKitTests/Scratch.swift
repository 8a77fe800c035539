import AttTestSupport
import FaceKit
import Foundation
import GRDB

@testable import AttendanceKit

/// A fresh folder per test with a real SQLite file and media folder in it.
struct Scratch {
  let folder: String
  let store: AttendanceStore
  let handler: MessageHandler

  /// `folder` defaults to a new one under the temporary directory; `busyTimeout` is the store's wait
  /// for another writer's lock.
  init(folder: String? = nil, busyTimeout: Double = 10) throws {
    self.folder =
      folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("att-test-\(UUID().uuidString)").path
    store = try AttendanceStore(
      location: DatabaseLocation(path: "\(self.folder)/data/attendance.db"), busyTimeout: busyTimeout)
    handler = MessageHandler(store: store, media: MediaLibrary(root: "\(self.folder)/media"))
  }

  static let shared = Checkout.shared
  static let models = ModelSet(directory: Checkout.models)

  var media: MediaLibrary { handler.media }

  /// An embedding update over this scratch store.
  func update(workers: Int = 2) -> EmbeddingUpdate {
    var update = EmbeddingUpdate(store: store, media: media, models: Scratch.models)
    update.workers = workers
    return update
  }

  /// The photo files of one person in ../shared/faces/people.
  static func photos(_ person: String) throws -> [String] {
    let folder = "\(shared)/faces/people/\(person)"
    return try FileManager.default.contentsOfDirectory(atPath: folder).filter(ImageFiles.isImageName).sorted()
      .map { "\(folder)/\($0)" }
  }

  /// Real face photos of one person from ../shared/faces/people, as the JPEG crops a register message carries.
  static func crops(_ person: String, count: Int) throws -> [FaceCrop] {
    let folder = "\(shared)/faces/people/\(person)"
    let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jpg") }.sorted()
    return try names.prefix(count).map { FaceCrop(jpeg: try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\($0)"))) }
  }

  func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
    try store.writer.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
  }

  /// A register message with `faces` real photos of `photos` (a folder of ../shared/faces/people).
  static func registration(_ id: String, _ name: String, photos: String = "barack_obama", faces: Int = 2) throws -> Message {
    .register(
      RegisterMessage(
        personID: id, name: name, faces: try crops(photos, count: faces), source: "test",
        capturedAt: "2026-11-25T08:00:00+01:00"))
  }

  /// Enrols someone directly through this scratch store's handler.
  func register(_ id: String, _ name: String, person: String = "barack_obama", faces: Int = 2) throws -> HandlingResult {
    try handler.apply(try Scratch.registration(id, name, photos: person, faces: faces))
  }
}
