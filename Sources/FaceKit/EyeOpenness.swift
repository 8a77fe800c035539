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
