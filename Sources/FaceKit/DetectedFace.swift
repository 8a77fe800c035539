/// A face found by a detector.
public struct DetectedFace: Sendable, Equatable, Hashable {
  /// Where the face is, clipped to the image.
  public let box: FaceBox
  /// The detector's confidence (HOG: SVM margin, typically 0 to 3; CNN: MMOD score around 1).
  public let score: Double
  /// The five points a detector that predicts them gives (RetinaFace: eye centres, nose tip, mouth
  /// corners); empty for dlib's detectors.
  public let detectorLandmarks: [Point]
  let region: DetectionRegion

  init(region: DetectionRegion, score: Double, imageWidth: Int, imageHeight: Int, detectorLandmarks: [Point] = []) {
    self.region = region
    self.score = score
    self.detectorLandmarks = detectorLandmarks
    self.box = FaceBox(
      left: max(Int(region.left), 0), top: max(Int(region.top), 0),
      right: min(Int(region.right) + 1, imageWidth), bottom: min(Int(region.bottom) + 1, imageHeight))
  }
}

extension DetectedFace {
  /// The same detection on an image `factor` times larger (detection on a shrunken copy, mapped back).
  func scaled(by factor: Double, imageWidth: Int, imageHeight: Int) -> DetectedFace {
    func scale(_ value: Int64) -> Int64 { Int64((Double(value) * factor).rounded()) }
    let region = DetectionRegion(
      left: scale(self.region.left), top: scale(self.region.top),
      right: scale(self.region.right + 1) - 1, bottom: scale(self.region.bottom + 1) - 1)
    return DetectedFace(
      region: region, score: score, imageWidth: imageWidth, imageHeight: imageHeight,
      detectorLandmarks: detectorLandmarks.map { Point(x: $0.x * factor, y: $0.y * factor) })
  }
}
