import AttTestSupport
import FaceKit
import Foundation
import Testing

@Suite("Model files", .testThreads)
struct ModelTests {
  @Test("a folder without models gives an error naming the missing file")
  func missing() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("att-no-models-\(UUID())").path
    let error = #expect(throws: FaceKitError.self) { try FaceEngine(models: ModelSet(directory: folder)) }
    #expect(error == .modelMissing(path: "\(folder)/shape_predictor_5_face_landmarks.dat"))
    #expect(error?.description.contains("Scripts/fetch-models") == true)
  }

  @Test("a corrupt model file is refused with an error naming it")
  func corrupt() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("att-bad-models-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    for model in ModelSet.Model.allCases {
      let source = try Fixtures.models.path(of: model)
      // Half of each real file: the header reads, the weights stop short.
      let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
      try bytes.prefix(bytes.count / 2).write(to: folder.appendingPathComponent(model.rawValue))
    }
    let error = #expect(throws: FaceKitError.self) { try FaceEngine(models: ModelSet(directory: folder.path)) }
    guard case .modelInvalid(let path, _) = error else {
      Issue.record("expected modelInvalid, got \(String(describing: error))")
      return
    }
    #expect(path.hasPrefix(folder.path))
  }

  @Test("a model of the wrong kind is refused, not misused")
  func wrongKind() throws {
    let predictor = try Fixtures.models.path(of: .landmarks5)
    let error = #expect(throws: FaceKitError.self) { try FaceEncoder(modelPath: predictor) }
    #expect(error?.code == "model_invalid")
    #expect(error?.subject == predictor)
  }
}
