import FaceKit
import Foundation

/// Where the real test material lives: the checkout's Models/ and TestData/ (fetched by the
/// project's scripts) and ../shared beside the checkout (or $ATT_SHARED).
enum Fixtures {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
  static let shared = ProcessInfo.processInfo.environment["ATT_SHARED"] ?? "\(root)/../shared"
  static let models = ModelSet(directory: ProcessInfo.processInfo.environment["ATT_MODELS"] ?? "\(root)/Models")
  static let testImages = "\(root)/TestData/face_recognition"

  static func people(_ person: String) -> [String] { files(in: "\(shared)/faces/people/\(person)") }
  static func badInput(_ name: String) -> String { "\(shared)/bad-inputs/\(name)" }
  static func group(_ name: String) -> String { "\(shared)/faces/groups/\(name)" }
  static func testImage(_ name: String) -> String { "\(testImages)/\(name)" }

  static func files(in folder: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.sorted().map { "\(folder)/\($0)" }
  }

  static func engine(_ options: FaceEngineOptions = FaceEngineOptions()) throws -> FaceEngine {
    try FaceEngine(models: models, options: options)
  }

  /// The descriptor of the largest face in `path`.
  static func descriptor(_ path: String, engine: FaceEngine) throws -> FaceDescriptor {
    let faces = try engine.analyze(try Image(contentsOfFile: path))
    guard let largest = faces.max(by: { $0.box.area < $1.box.area }) else { throw NoFace(path: path) }
    return largest.descriptor
  }

  struct NoFace: Error { let path: String }
}
