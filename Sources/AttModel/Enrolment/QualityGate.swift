import FaceKit
import Foundation

/// The thresholds a face must meet to become an enrolment sample. The defaults were chosen on the
/// photos of ../shared/faces/people and the bad inputs (see the att-register man page).
public struct QualityGate: Sendable, Equatable {
  /// Smallest accepted face width in pixels: dlib's network sees 150x150 chips, and faces much
  /// smaller than that are upscaled guesses.
  public var minFaceSize = 60
  public var minSharpness = 15.0
  public var brightness = 40.0...220.0
  public var minContrast = 15.0
  public var maxYaw = 0.3
  public var maxRoll = 25.0

  public init() {}

  /// The faces of a photo that could be its subject: those at least `minFaceSize` wide. RetinaFace
  /// also finds the bystanders far behind (20-40 px), which HOG never saw; they cannot be enrolled,
  /// so they do not make the photo ambiguous. When every face is too small, the largest is kept (and
  /// refused as too small, which tells the person what to do).
  public func subjects(of faces: [DetectedFace]) -> [DetectedFace] {
    let large = faces.filter { $0.box.width >= minFaceSize }
    if !large.isEmpty { return large }
    return faces.max { $0.box.area < $1.box.area }.map { [$0] } ?? []
  }

  /// The first rule `quality` breaks, or nil when it passes.
  public func problem(with quality: FaceQuality) -> SampleRejection? {
    if quality.faceSize < minFaceSize { return .tooSmall(size: quality.faceSize, minimum: minFaceSize) }
    if quality.brightness < brightness.lowerBound {
      return .tooDark(brightness: quality.brightness, minimum: brightness.lowerBound)
    }
    if quality.brightness > brightness.upperBound {
      return .tooBright(brightness: quality.brightness, maximum: brightness.upperBound)
    }
    if quality.contrast < minContrast { return .lowContrast(contrast: quality.contrast, minimum: minContrast) }
    if quality.sharpness < minSharpness { return .blurry(sharpness: quality.sharpness, minimum: minSharpness) }
    if abs(quality.yaw) > maxYaw { return .turned(yaw: quality.yaw, maximum: maxYaw) }
    if abs(quality.roll) > maxRoll { return .tilted(roll: quality.roll, maximum: maxRoll) }
    return nil
  }
}
