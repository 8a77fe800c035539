import CFaceKit

/// The landmarks of one face, with the detection they were predicted from.
public struct FaceLandmarks: Sendable, Equatable {
  public let face: DetectedFace
  /// 5 points (eye corners and nose, dlib's order) or 68 points (iBUG 300-W order).
  public let points: [Point]
}

/// One of dlib's shape predictors. Reading the model is the only mutation, so once loaded a predictor
/// may be shared between threads.
public final class LandmarkPredictor: @unchecked Sendable {
  private let handle: OpaquePointer
  /// How many points the model predicts: 5 or 68 for dlib's face models.
  public let parts: Int

  public init(modelPath: String) throws(FaceKitError) {
    var predictor: OpaquePointer?
    try native(modelPath) { cfk_shape_predictor_new(modelPath, &predictor, $0) }
    handle = predictor!
    parts = cfk_shape_predictor_parts(handle)
  }

  deinit { cfk_shape_predictor_free(handle) }

  /// The landmarks of `face` in `image`.
  public func landmarks(of face: DetectedFace, in image: Image) throws(FaceKitError) -> FaceLandmarks {
    var points = [cfk_point](repeating: cfk_point(), count: parts)
    try native(image.source) { error in
      points.withUnsafeMutableBufferPointer { cfk_shape_predict(handle, image.handle, face.cRect, $0.baseAddress, error) }
    }
    return FaceLandmarks(face: face, points: points.map { Point(x: $0.x, y: $0.y) })
  }
}

extension DetectedFace {
  var cRect: cfk_rect {
    cfk_rect(left: region.left, top: region.top, right: region.right, bottom: region.bottom, score: score)
  }
}
