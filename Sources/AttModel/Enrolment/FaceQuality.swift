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
