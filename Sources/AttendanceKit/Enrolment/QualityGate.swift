import FaceKit
import Foundation

/// The figures measured on one candidate face.
public struct FaceQuality: Sendable, Equatable, Codable {
  /// Width of the detector's box in pixels.
  public let faceSize: Int
  public let brightness: Double
  public let contrast: Double
  public let sharpness: Double
  public let yaw: Double
  public let roll: Double
  public let detectorScore: Double

  enum CodingKeys: String, CodingKey {
    case brightness, contrast, sharpness, yaw, roll
    case faceSize = "face_size"
    case detectorScore = "detector_score"
  }

  /// dlib's 5-point yaw over RetinaFace's turn on the same faces (median; `facekit-bench detectors`).
  static let dlibYawPerTurn = 0.785

  public init(face: FaceLandmarks, in image: Image) throws(FaceKitError) {
    let stats = try image.regionStats(face.face.box)
    let pose = HeadPose(fivePointLandmarks: face.points)
    faceSize = face.face.box.width
    brightness = stats.brightness
    contrast = stats.contrast
    sharpness = stats.sharpness
    // dlib's 5 points go astray on a profile (a yaw near 0 on a face seen from the side), which HOG
    // never found; RetinaFace does, and its own landmarks see the turn: the larger is kept. Its nose
    // tip stands further out than dlib's nose base: on the people photos dlib's yaw is a median 0.785
    // of RetinaFace's turn (`facekit-bench detectors`), which puts the two on one scale.
    let dlibYaw = pose?.yaw ?? 0
    let detectorYaw = (face.face.turn ?? 0) * Self.dlibYawPerTurn
    yaw = detectorYaw > abs(dlibYaw) ? (dlibYaw < 0 ? -detectorYaw : detectorYaw) : dlibYaw
    roll = pose?.roll ?? 0
    detectorScore = face.face.score
  }

  /// The figures as stored with the sample and carried in the register message.
  public var figures: [String: Double] {
    [
      "face_size": Double(faceSize), "brightness": brightness, "contrast": contrast, "sharpness": sharpness,
      "yaw": yaw, "roll": roll, "detector_score": detectorScore,
    ]
  }
}

/// Why a frame or photo gives no enrolment sample.
public enum SampleRejection: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
  case unreadable(code: String, reason: String)
  case noFace
  case severalFaces(Int)
  case tooSmall(size: Int, minimum: Int)
  case blurry(sharpness: Double, minimum: Double)
  case tooDark(brightness: Double, minimum: Double)
  case tooBright(brightness: Double, maximum: Double)
  case lowContrast(contrast: Double, minimum: Double)
  case turned(yaw: Double, maximum: Double)
  case tilted(roll: Double, maximum: Double)
  /// Nearly the same as a sample already taken: it would add nothing.
  case tooSimilar(distance: Float, minimum: Float)
  /// Not the same person as the samples taken before it.
  case differentPerson(distance: Float, maximum: Float)

  /// A stable name for counting and for scripts.
  public var code: String {
    switch self {
    case .unreadable(let code, _): code
    case .noFace: "no_face"
    case .severalFaces: "several_faces"
    case .tooSmall: "too_small"
    case .blurry: "blurry"
    case .tooDark: "too_dark"
    case .tooBright: "too_bright"
    case .lowContrast: "low_contrast"
    case .turned: "not_frontal"
    case .tilted: "tilted"
    case .tooSimilar: "too_similar"
    case .differentPerson: "different_person"
    }
  }

  public var description: String {
    func f(_ value: Double) -> String { String(format: "%.2f", value) }
    func f(_ value: Float) -> String { String(format: "%.2f", value) }
    return switch self {
    case .unreadable(_, let reason): reason
    case .noFace: "no face found"
    case .severalFaces(let n): "\(n) faces (enrolment needs exactly one)"
    case .tooSmall(let size, let minimum): "face is \(size) px wide, under \(minimum) px (come closer)"
    case .blurry(let s, let minimum): "blurred (sharpness \(Int(s)) under \(Int(minimum)); hold still, check focus)"
    case .tooDark(let b, let minimum): "too dark (brightness \(Int(b)) under \(Int(minimum)))"
    case .tooBright(let b, let maximum): "overexposed (brightness \(Int(b)) over \(Int(maximum)))"
    case .lowContrast(let c, let minimum): "washed out (contrast \(Int(c)) under \(Int(minimum)))"
    case .turned(let yaw, let maximum): "head turned (yaw \(f(yaw)) beyond ±\(f(maximum)); face the camera)"
    case .tilted(let roll, let maximum): "head tilted \(Int(roll.rounded()))° (more than \(Int(maximum))°)"
    case .tooSimilar(let d, let minimum): "almost the same as a sample already taken (distance \(f(d)) under \(f(minimum)))"
    case .differentPerson(let d, let maximum): "not the same person as the other samples (distance \(f(d)) over \(f(maximum)))"
    }
  }
}

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
