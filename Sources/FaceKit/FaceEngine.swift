import CFaceKit

/// One face of an analysed image: where it is, its landmarks and its descriptor.
public struct FaceAnalysis: Sendable, Equatable {
  public let box: FaceBox
  public let score: Double
  public let landmarks: [Point]
  public let descriptor: FaceDescriptor
}

/// The whole recognition path of dlib in one object: detector, 5-point landmarks, ResNet descriptor.
///
/// Loading takes about a second and ~200 MB. An engine is not thread-safe: to use several cores,
/// give each thread its own engine (see `ImageBatch`). `Image`s may be shared between engines.
public final class FaceEngine {
  public let options: FaceEngineOptions
  public let detector: any FaceDetector
  public let landmarks: LandmarkPredictor
  public let encoder: FaceEncoder

  public init(models: ModelSet, options: FaceEngineOptions = FaceEngineOptions()) throws(FaceKitError) {
    guard options.maxDetectionSide >= 0 else { throw .invalidArgument("maxDetectionSide must not be negative") }
    guard (1...100).contains(options.jitters) else {
      throw .invalidArgument("jitters must be between 1 and 100, not \(options.jitters)")
    }
    self.options = options
    // Several engines share the cores: one BLAS thread each keeps them from oversubscribing.
    _ = cfk_set_blas_threads(1)
    detector = try options.detector.makeDetector(models: models, upsample: options.upsample)
    landmarks = try LandmarkPredictor(modelPath: try models.path(of: .landmarks5))
    encoder = try FaceEncoder(modelPath: try models.path(of: .recognition))
  }

  /// Detects the faces of `image` and describes each (or only the largest, per the options).
  public func analyze(_ image: Image) throws(FaceKitError) -> [FaceAnalysis] {
    var faces = try detectFaces(in: image)
    if options.largestOnly, let largest = faces.max(by: { $0.box.area < $1.box.area }) {
      faces = [largest]
    }
    let shapes = try faces.map { (face: DetectedFace) throws(FaceKitError) -> FaceLandmarks in
      try landmarks.landmarks(of: face, in: image)
    }
    let descriptors = try encoder.descriptors(for: shapes, in: image, jitters: options.jitters)
    return zip(shapes, descriptors).map { shape, descriptor in
      FaceAnalysis(box: shape.face.box, score: shape.face.score, landmarks: shape.points, descriptor: descriptor)
    }
  }

  /// The faces of `image`, detected on a shrunken copy when the image is larger than `maxDetectionSide`.
  public func detectFaces(in image: Image) throws(FaceKitError) -> [DetectedFace] {
    try Self.detectFaces(in: image, with: detector, maxDetectionSide: options.maxDetectionSide)
  }

  /// Detection with any detector on a copy shrunk so its longer side is at most `maxDetectionSide`
  /// (0: full size), the boxes mapped back to `image`: the step a video pipeline runs on its own thread.
  public static func detectFaces(
    in image: Image, with detector: any FaceDetector, maxDetectionSide: Int
  ) throws(FaceKitError) -> [DetectedFace] {
    let longer = max(image.width, image.height)
    guard maxDetectionSide > 0, longer > maxDetectionSide else { return try detector.detect(in: image) }
    let factor = Double(longer) / Double(maxDetectionSide)
    let small = try image.resized(
      width: max(Int((Double(image.width) / factor).rounded()), 1),
      height: max(Int((Double(image.height) / factor).rounded()), 1))
    return try detector.detect(in: small).map {
      $0.scaled(by: Double(image.width) / Double(small.width), imageWidth: image.width, imageHeight: image.height)
    }
  }
}
