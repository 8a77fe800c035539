import CFaceKit
import Foundation

/// The eye aspect ratio (Soukupová and Čech, 2016) from 68-point landmarks: the eye's height over its
/// width, about 0.25-0.35 open and under 0.15 closed, whatever the face's size in the frame.
public enum EyeOpenness {
  /// The mean of both eyes' ratios; nil for landmark sets other than iBUG's 68 points.
  public static func aspectRatio(_ points: [Point]) -> Double? {
    aspectRatios(points).map { ($0.left + $0.right) / 2 }
  }

  /// Each eye's ratio (the image's left eye, points 36-41, and its right, 42-47): a wink closes one.
  public static func aspectRatios(_ points: [Point]) -> (left: Double, right: Double)? {
    guard points.count == 68 else { return nil }
    func ratio(_ p: ArraySlice<Point>) -> Double {
      let i = p.startIndex
      func d(_ a: Int, _ b: Int) -> Double { hypot(p[i + a].x - p[i + b].x, p[i + a].y - p[i + b].y) }
      let width = d(0, 3)
      return width > 0 ? (d(1, 5) + d(2, 4)) / (2 * width) : 0
    }
    return (ratio(points[36...41]), ratio(points[42...47]))
  }
}

/// Whether a face moved as one flat surface between two frames (`cfk_flow_planarity`).
public enum PlanarMotion {
  /// The RMS residual, in pixels, of one homography fitted to the texture inside `region` (the
  /// inner face) tracked from `from` to `to`, two frames of one source; nil when too few points track.
  public static func residual(from: Image, to: Image, region: FaceBox) throws(FaceKitError) -> Double? {
    var residual = -1.0
    try native(to.source) { cfk_flow_planarity(from.handle, to.handle, region.inclusiveRect, &residual, $0) }
    return residual >= 0 ? residual : nil
  }
}

/// How a face's surroundings move between two frames (`cfk_context_motion`): a device held up moves
/// with the face while the scene stays still.
public struct ContextMotion: Sendable, Equatable {
  /// The face's median shift, as a fraction of its width.
  public let faceShift: Double
  public let ringPoints: Int
  /// The share of the ring's points that moved, and that moved as one plane.
  public let ringMoving: Double
  public let ringCoherent: Double
  public let scenePoints: Int
  public let sceneMoving: Double
  /// Of every tracked point around the face, the share that moved as one plane (the whole view
  /// moving: the camera, or a device filling it).
  public let viewCoherent: Double

  public static func measure(from: Image, to: Image, face: FaceBox) throws(FaceKitError) -> ContextMotion {
    var c = cfk_context()
    try native(to.source) { cfk_context_motion(from.handle, to.handle, face.inclusiveRect, &c, $0) }
    return ContextMotion(
      faceShift: c.face_shift, ringPoints: Int(c.ring_points), ringMoving: c.ring_moving, ringCoherent: c.ring_coherent,
      scenePoints: Int(c.scene_points), sceneMoving: c.scene_moving, viewCoherent: c.view_coherent)
  }
}
