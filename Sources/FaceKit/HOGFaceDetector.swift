import CFaceKit

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
