import CFaceKit

/// Which face detector to use.
public enum DetectorKind: String, Sendable, CaseIterable, Codable {
  /// RetinaFace-MobileNet0.25 (OpenCV dnn): finds small and turned faces, from about 12 px, at about
  /// the cost of HOG on the same pixels.
  case retinaface
  /// Histogram of oriented gradients + linear SVM: fast on a CPU (about 30 ms a VGA frame), frontal faces.
  case hog
  /// The MMOD convolutional network: finds turned and small faces HOG misses, about 10x slower on a CPU.
  case cnn
}

extension DetectorKind {
  /// A new detector of this kind, its model read from `models`. `upsample` is for dlib's detectors,
  /// which need it for faces under 80 px; RetinaFace sees faces from about 12 px and ignores it.
  public func makeDetector(models: ModelSet, upsample: Int) throws(FaceKitError) -> any FaceDetector {
    switch self {
    case .retinaface: try RetinaFaceDetector(modelPath: try models.path(of: .retinaFace))
    case .hog: try HOGFaceDetector(upsample: upsample)
    case .cnn: try CNNFaceDetector(modelPath: try models.path(of: .cnnDetector), upsample: upsample)
    }
  }
}

/// Finds faces in an image. Not thread-safe: dlib keeps per-call scratch state; give each thread its own.
public protocol FaceDetector: AnyObject {
  /// How many times the image is doubled before detection; each step finds faces half as large, at ~4x the cost.
  var upsample: Int { get }
  /// The faces in `image`, in the detector's order (strongest first).
  func detect(in image: Image) throws(FaceKitError) -> [DetectedFace]
}

/// Checks an upsample setting before it reaches dlib, where 5 steps would mean a 1024x larger image.
func validated(upsample: Int) throws(FaceKitError) -> Int {
  guard (0...4).contains(upsample) else { throw .invalidArgument("upsample must be between 0 and 4, not \(upsample)") }
  return upsample
}

/// Calls one of the C detectors and turns its malloc'd array of rectangles into detections.
func detections(
  in image: Image,
  _ detect: (
    UnsafeMutablePointer<UnsafeMutablePointer<cfk_rect>?>, UnsafeMutablePointer<Int>,
    UnsafeMutablePointer<cfk_error>
  ) -> cfk_status
) throws(FaceKitError) -> [DetectedFace] {
  var rects: UnsafeMutablePointer<cfk_rect>?
  var count = 0
  defer { cfk_free(rects) }
  try native(image.source) { detect(&rects, &count, $0) }
  guard let rects else { return [] }
  return (0..<count).map { i in
    let r = rects[i]
    return DetectedFace(
      region: DetectionRegion(left: r.left, top: r.top, right: r.right, bottom: r.bottom),
      score: r.score, imageWidth: image.width, imageHeight: image.height)
  }
}

/// dlib's HOG frontal-face detector (needs no model file).
public final class HOGFaceDetector: FaceDetector {
  private let handle: OpaquePointer
  public let upsample: Int

  public init(upsample: Int = 1) throws(FaceKitError) {
    self.upsample = try validated(upsample: upsample)
    var detector: OpaquePointer?
    try native("HOG detector") { cfk_hog_detector_new(&detector, $0) }
    handle = detector!
  }

  deinit { cfk_hog_detector_free(handle) }

  public func detect(in image: Image) throws(FaceKitError) -> [DetectedFace] {
    try detections(in: image) { cfk_hog_detect(handle, image.handle, Int32(upsample), $0, $1, $2) }
  }
}

/// dlib's MMOD CNN face detector (`mmod_human_face_detector.dat`).
public final class CNNFaceDetector: FaceDetector {
  private let handle: OpaquePointer
  public let upsample: Int

  public init(modelPath: String, upsample: Int = 1) throws(FaceKitError) {
    self.upsample = try validated(upsample: upsample)
    var detector: OpaquePointer?
    try native(modelPath) { cfk_cnn_detector_new(modelPath, &detector, $0) }
    handle = detector!
  }

  deinit { cfk_cnn_detector_free(handle) }

  public func detect(in image: Image) throws(FaceKitError) -> [DetectedFace] {
    try detections(in: image) { cfk_cnn_detect(handle, image.handle, Int32(upsample), $0, $1, $2) }
  }
}
