import Foundation

/// A rough head pose from dlib's 5 landmarks (two corners of each eye, the base of the nose): enough
/// to tell a face turned towards the camera from one turned away, not a 3-D estimate.
public struct HeadPose: Sendable, Equatable, Codable {
  /// How far the nose sits off the midpoint between the eyes, along the eye line, as a fraction of
  /// the distance between the eyes: about 0 facing the camera, ±0.3 at roughly 45 degrees of yaw.
  public let yaw: Double
  /// The tilt of the eye line in degrees (head leaning to one side).
  public let roll: Double
  /// Distance between the eye centres in pixels: the face's real scale, unlike the detector's box.
  public let eyeDistance: Double

  /// The pose from 5-point landmarks in dlib's order; nil for other landmark sets.
  public init?(fivePointLandmarks points: [Point]) {
    guard points.count == 5 else { return nil }
    let eyeA = Point(x: (points[0].x + points[1].x) / 2, y: (points[0].y + points[1].y) / 2)
    let eyeB = Point(x: (points[2].x + points[3].x) / 2, y: (points[2].y + points[3].y) / 2)
    let (left, right) = eyeA.x <= eyeB.x ? (eyeA, eyeB) : (eyeB, eyeA)
    let dx = right.x - left.x
    let dy = right.y - left.y
    let distance = (dx * dx + dy * dy).squareRoot()
    guard distance > 0 else { return nil }
    let mid = Point(x: (left.x + right.x) / 2, y: (left.y + right.y) / 2)
    let nose = points[4]
    // Project the nose's offset onto the eye line: rolling the head does not read as turning it.
    yaw = ((nose.x - mid.x) * dx + (nose.y - mid.y) * dy) / (distance * distance)
    roll = atan2(dy, dx) * 180 / .pi
    eyeDistance = distance
  }
}
