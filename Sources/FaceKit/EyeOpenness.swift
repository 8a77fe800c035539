import CFaceKit
import Foundation

/// The eye aspect ratio (Soukupová and Čech, 2016) from 68-point landmarks: the eye's height over its
/// width, about 0.25-0.35 open and under 0.15 closed, whatever the face's size in the frame.
public enum EyeOpenness {
  /// The mean of both eyes' ratios; nil for landmark sets other than iBUG's 68 points.
  public static func aspectRatio(_ points: [Point]) -> Double? {
    guard points.count == 68 else { return nil }
    func ratio(_ p: ArraySlice<Point>) -> Double {
      let i = p.startIndex
      func d(_ a: Int, _ b: Int) -> Double { hypot(p[i + a].x - p[i + b].x, p[i + a].y - p[i + b].y) }
      let width = d(0, 3)
      return width > 0 ? (d(1, 5) + d(2, 4)) / (2 * width) : 0
    }
    return (ratio(points[36...41]) + ratio(points[42...47])) / 2
  }
}

/// Whether landmarks moved as one flat surface between two frames (see `cfk_planar_fit`).
public enum PlanarMotion {
  /// The RMS residual in pixels of the best homography from `from` to `to`; nil when none fits.
  public static func residual(from: [Point], to: [Point]) throws(FaceKitError) -> Double? {
    guard from.count == to.count, from.count >= 4 else { throw .invalidArgument("planar fit needs two sets of ≥4 points") }
    let a = from.map { cfk_point(x: $0.x, y: $0.y) }
    let b = to.map { cfk_point(x: $0.x, y: $0.y) }
    var rms = 0.0
    try native("planar fit") { error in
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { cfk_planar_fit(pa.baseAddress, $0.baseAddress, a.count, &rms, error) }
      }
    }
    return rms >= 0 ? rms : nil
  }
}

/// How one plane explains the motion of a face's own texture between two frames (`cfk_flow_planarity`).
public struct FlowPlanarity: Sendable, Equatable {
  /// RMS pixels between the tracked points and one homography's mapping; nil when too few tracked.
  public let residual: Double?
  /// The median displacement of the tracked points, in pixels.
  public let moved: Double
  public let points: Int

  /// Tracks the texture inside `region` (the inner face) from `from` to `to`, two frames of one source.
  public static func measure(from: Image, to: Image, region: FaceBox) throws(FaceKitError) -> FlowPlanarity {
    var result = cfk_flow_result()
    try native(to.source) { cfk_flow_planarity(from.handle, to.handle, region.inclusiveRect, &result, $0) }
    return FlowPlanarity(
      residual: result.residual >= 0 ? result.residual : nil, moved: result.moved, points: Int(result.points))
  }
}
