import CFaceKit

/// How a `FaceEngine` finds and describes faces.
public struct FaceEngineOptions: Sendable, Equatable {
  public var detector: DetectorKind
  /// HOG and MMOD: image doublings before detection (0-4). 1 finds faces down to about 40 px wide,
  /// like face_recognition's default. RetinaFace ignores it (it finds faces from about 12 px).
  public var upsample: Int
  /// Descriptor jitters (1 = none).
  public var jitters: Int
  /// Keep only the largest face of each image (enrolment photos with bystanders).
  public var largestOnly: Bool
  /// Detect on a copy shrunk so its longer side is at most this many pixels (0: never shrink), then
  /// map the boxes back; landmarks and descriptors still use the full image. Detection cost grows
  /// with the pixel count (HOG takes ~3.5 s on an 8000x6000 photo, ~0.3 s at 2000 px), while faces
  /// in such photos are large enough to be found on the smaller copy.
  public var maxDetectionSide: Int

  public init(
    detector: DetectorKind = .hog, upsample: Int = 1, jitters: Int = 1, largestOnly: Bool = false,
    maxDetectionSide: Int = 2000
  ) {
    self.detector = detector
    self.upsample = upsample
    self.jitters = jitters
    self.largestOnly = largestOnly
    self.maxDetectionSide = maxDetectionSide
  }
}
