import FaceKit
import Foundation

/// Where a flat picture (a photo or a tablet) is held in front of a camera: its centre in the frame,
/// its size, and its rotation in depth. `homography` maps the picture's pixels to the frame's, as a
/// pinhole camera sees the rotated plane, so videos of attacks can be made from still photos.
public struct HeldPicture: Sendable, Equatable {
  /// The picture's centre, as a fraction of the frame's width and height (0.5, 0.5: the middle).
  public var x = 0.5
  public var y = 0.5
  /// Frame pixels per picture pixel when the picture faces the camera.
  public var scale = 1.0
  /// Rotation in depth about the picture's vertical axis (turned left or right), in degrees.
  public var yaw = 0.0
  /// Rotation in depth about its horizontal axis (tilted back or forward), in degrees.
  public var pitch = 0.0
  /// Rotation in the picture's plane, in degrees.
  public var roll = 0.0

  public init(x: Double = 0.5, y: Double = 0.5, scale: Double = 1, yaw: Double = 0, pitch: Double = 0, roll: Double = 0) {
    (self.x, self.y, self.scale, self.yaw, self.pitch, self.roll) = (x, y, scale, yaw, pitch, roll)
  }

  /// The row-major 3x3 homography from a `pictureWidth` x `pictureHeight` picture to a
  /// `frameWidth` x `frameHeight` frame, for a camera whose focal length is the frame's width (about
  /// a 53-degree field of view, a webcam's).
  public func homography(pictureWidth: Int, pictureHeight: Int, frameWidth: Int, frameHeight: Int) -> [Double] {
    let f = Double(frameWidth)
    let (a, b, c) = (pitch * .pi / 180, yaw * .pi / 180, roll * .pi / 180)
    // R = Rz(roll) * Ry(yaw) * Rx(pitch); only its first two columns matter for a plane at Z = 0.
    let rx: [[Double]] = [[1, 0, 0], [0, cos(a), -sin(a)], [0, sin(a), cos(a)]]
    let ry: [[Double]] = [[cos(b), 0, sin(b)], [0, 1, 0], [-sin(b), 0, cos(b)]]
    let rz: [[Double]] = [[cos(c), -sin(c), 0], [sin(c), cos(c), 0], [0, 0, 1]]
    let r = multiply(rz, multiply(ry, rx))
    // Picture pixel (u, v) -> plane point ((u - w/2) s, (v - h/2) s, 0) -> camera point R p + (0, 0, f).
    let s = scale, hw = Double(pictureWidth) / 2, hh = Double(pictureHeight) / 2
    let toPlane: [[Double]] = [[s, 0, -s * hw], [0, s, -s * hh], [0, 0, 1]]
    let extrinsic: [[Double]] = [[r[0][0], r[0][1], 0], [r[1][0], r[1][1], 0], [r[2][0], r[2][1], f]]
    let intrinsic: [[Double]] = [[f, 0, x * Double(frameWidth)], [0, f, y * Double(frameHeight)], [0, 0, 1]]
    return multiply(intrinsic, multiply(extrinsic, toPlane)).flatMap { $0 }
  }

  private func multiply(_ p: [[Double]], _ q: [[Double]]) -> [[Double]] {
    (0..<3).map { i in (0..<3).map { j in (0..<3).reduce(0) { $0 + p[i][$1] * q[$1][j] } } }
  }

  /// A picture held in a hand for `time` seconds: a slow sway (0.2-0.5 Hz: a few degrees in depth,
  /// some sideways drift, the distance changing by 5%) and a physiological tremor (6-9 Hz, about a
  /// pixel), with phases drawn from `seed` so every video differs but each is reproducible.
  public static func handHeld(at time: Double, around base: HeldPicture, seed: UInt64) -> HeldPicture {
    var random = SeededGenerator(seed: seed)
    let phases = (0..<10).map { _ in Double.random(in: 0..<(2 * .pi), using: &random) }
    func wave(_ hz: Double, _ k: Int) -> Double { sin(2 * .pi * hz * time + phases[k]) }
    var pose = base
    pose.x += 0.03 * wave(0.37, 0) + 0.002 * wave(7.1, 1)
    pose.y += 0.02 * wave(0.29, 2) + 0.002 * wave(8.3, 3)
    pose.yaw += 8 * wave(0.23, 4)
    pose.pitch += 6 * wave(0.31, 5)
    pose.roll += 3 * wave(0.47, 6) + 0.3 * wave(6.4, 7)
    pose.scale *= 1 + 0.05 * wave(0.19, 8)
    return pose
  }

  /// A camera held in a hand (a phone filming a selfie) for `time` seconds, as the whole frame moves:
  /// a slow sway of a degree or two and a tremor, drawn from `seed`. Every point of the scene moves
  /// by the same homography, the face and the room behind it alike: a still head filmed so moves as
  /// a flat picture would.
  public static func handHeldCamera(at time: Double, around base: HeldPicture, seed: UInt64) -> HeldPicture {
    var random = SeededGenerator(seed: seed)
    let phases = (0..<10).map { _ in Double.random(in: 0..<(2 * .pi), using: &random) }
    func wave(_ hz: Double, _ k: Int) -> Double { sin(2 * .pi * hz * time + phases[k]) }
    var pose = base
    pose.x += 0.015 * wave(0.41, 0) + 0.002 * wave(7.3, 1)
    pose.y += 0.01 * wave(0.33, 2) + 0.002 * wave(8.1, 3)
    pose.yaw += 2 * wave(0.27, 4)
    pose.pitch += 2 * wave(0.35, 5)
    pose.roll += 1.5 * wave(0.52, 6) + 0.2 * wave(6.6, 7)
    return pose
  }
}
