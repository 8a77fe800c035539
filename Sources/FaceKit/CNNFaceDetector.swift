import CFaceKit

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
