import CFaceKit

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
