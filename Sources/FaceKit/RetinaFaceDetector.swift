import CFaceKit

/// RetinaFace-MobileNet0.25 run through OpenCV's dnn module (`retinaface-mobilenet0.25.onnx`): a small
/// CNN that finds faces from about 12 px on the pixels it sees, turned ones included, in about 50 ms
/// for a 640x480 image on one core. Its boxes are mapped to the geometry of dlib's HOG boxes, on
/// which the 5-point landmark model that aligns faces for the descriptor was trained.
///
/// Not thread-safe (OpenCV keeps per-network buffers): give each thread its own.
public final class RetinaFaceDetector: FaceDetector {
  private let handle: OpaquePointer
  private let modelPath: String
  /// Whole images are seen doubled this many times (0-2): 1 finds faces from about 6 px.
  public let upsample: Int
  /// Detections scoring under this (0-1) are dropped. 0.8 by default; see `defaultMinScore`.
  public var minScore: Float

  /// From every clip in ../shared/faces/video: at 0.8 no false face is larger than 16 px except on
  /// three frames of the parking clip (which never last long enough to make a track), while 0.9
  /// loses 15% of the faces on the hikers clip.
  public static let defaultMinScore: Float = 0.8

  public init(modelPath: String, upsample: Int = 0, minScore: Float = RetinaFaceDetector.defaultMinScore)
    throws(FaceKitError)
  {
    guard (0...2).contains(upsample) else {
      throw .invalidArgument("RetinaFace upsample must be between 0 and 2, not \(upsample)")
    }
    guard minScore > 0, minScore < 1 else { throw .invalidArgument("the detection score must be between 0 and 1") }
    self.upsample = upsample
    self.minScore = minScore
    self.modelPath = modelPath
    var detector: OpaquePointer?
    try native(modelPath) { cfk_retinaface_new(modelPath, &detector, $0) }
    handle = detector!
  }

  deinit { cfk_retinaface_free(handle) }

  /// Whole images are seen shrunk to at most this many pixels on the longer side. The network was
  /// trained on 640 px crops and has no anchor over 512 px: a 1200 px portrait seen at full size gave
  /// six boxes on one face (parts of the face, the collar), at 640 one. On the groups of
  /// ../shared/faces it finds 87 faces at 640, where HOG with one upsample finds 84.
  public var imageSide = 640

  /// The faces of the whole image, strongest first.
  public func detect(in image: Image) throws(FaceKitError) -> [DetectedFace] {
    let longer = max(image.width, image.height)
    let shrink = longer > imageSide ? Double(imageSide) / Double(longer) : 1
    return try detect(
      in: image, region: FaceBox(left: 0, top: 0, right: image.width, bottom: image.height),
      scale: shrink * Double(1 << upsample))
  }

  /// The faces inside `region` of `image`, which the network sees scaled by `scale` (a small region
  /// around a tracked face is scaled so the face is about 40 px; a whole frame is shrunk to a search
  /// size). Boxes are in `image`'s pixels.
  public func detect(in image: Image, region: FaceBox, scale: Double, minScore: Float? = nil) throws(FaceKitError)
    -> [DetectedFace]
  {
    var faces: UnsafeMutablePointer<cfk_face_detection>?
    var count = 0
    defer { cfk_free(faces) }
    let area = cfk_rect(
      left: Int64(region.left), top: Int64(region.top), right: Int64(region.right - 1), bottom: Int64(region.bottom - 1),
      score: 0)
    try native("RetinaFace detector (\(modelPath))") {
      cfk_retinaface_detect(handle, image.handle, area, scale, minScore ?? self.minScore, &faces, &count, $0)
    }
    guard let faces else { return [] }
    return (0..<count).map { i in
      let face = faces[i]
      let points = withUnsafeBytes(of: face.landmarks) { raw in
        raw.bindMemory(to: cfk_point.self).map { Point(x: $0.x, y: $0.y) }
      }
      return DetectedFace(
        region: Self.dlibRegion(face.rect, landmarks: points), score: face.rect.score, imageWidth: image.width,
        imageHeight: image.height,
        detectorLandmarks: points)
    }
  }

  /// RetinaFace's box is taller than HOG's (it takes in the forehead and chin) and follows the
  /// face's shape, while HOG's is a square. On the 179 photos of ../shared/faces/people where both
  /// find the same face (measured once against dlib's HOG with upsample 1): HOG's side is a median
  /// 1.048 RetinaFace widths (10th-90th percentile 0.93-1.17), and its centre lies 0.027
  /// eye-to-mouth distances below the centroid of the five landmarks, which places it more steadily
  /// than the box's own centre (10th-90th percentile range 0.07 widths instead of 0.16). The mapped
  /// box keeps the 5-point model on the geometry it was trained on; `facekit-bench detectors`
  /// checks it: HOG's side over the mapped box's is a median 1.000 (0.885-1.114).
  static let sidePerWidth = 1.048
  static let centreBelowLandmarks = 0.027

  static func dlibRegion(_ r: cfk_rect, landmarks points: [Point]) -> DetectionRegion {
    let width = Double(r.right - r.left + 1)
    var cx = Double(r.left + r.right + 1) / 2, cy = Double(r.top + r.bottom + 1) / 2
    if points.count == 5 {
      cx = points.map(\.x).reduce(0, +) / 5
      cy = points.map(\.y).reduce(0, +) / 5
      let eyes = Point(x: (points[0].x + points[1].x) / 2, y: (points[0].y + points[1].y) / 2)
      let mouth = Point(x: (points[3].x + points[4].x) / 2, y: (points[3].y + points[4].y) / 2)
      cy +=
        centreBelowLandmarks * ((mouth.x - eyes.x) * (mouth.x - eyes.x) + (mouth.y - eyes.y) * (mouth.y - eyes.y)).squareRoot()
    }
    let side = width * sidePerWidth
    return DetectionRegion(
      left: Int64((cx - side / 2).rounded()), top: Int64((cy - side / 2).rounded()),
      right: Int64((cx + side / 2).rounded()) - 1, bottom: Int64((cy + side / 2).rounded()) - 1)
  }
}

extension DetectedFace {
  /// How far the face is turned, from the detector's five landmarks: the nose tip's sideways offset
  /// from the middle of the eyes, in eye distances (0: frontal; about 0.5 when the nose is in front
  /// of an eye, a head turned about 45 degrees). nil when the detector gives no landmarks.
  public var turn: Double? {
    guard detectorLandmarks.count == 5 else { return nil }
    let (a, b, nose) = (detectorLandmarks[0], detectorLandmarks[1], detectorLandmarks[2])
    let ex = b.x - a.x, ey = b.y - a.y
    let eyeDistance = (ex * ex + ey * ey).squareRoot()
    guard eyeDistance > 0 else { return nil }
    // The nose's position along the line through the eyes, from their midpoint.
    let along = ((nose.x - (a.x + b.x) / 2) * ex + (nose.y - (a.y + b.y) / 2) * ey) / eyeDistance
    return abs(along) / eyeDistance
  }
}
