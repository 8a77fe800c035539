import CFaceKit
import Foundation

/// Whether a face moved as one flat surface between two frames (`cfk_flow_planarity`).
public enum PlanarMotion {
  /// The RMS residual, in pixels, of one homography fitted to the texture inside `region` (the
  /// inner face) tracked from `from` to `to`, two frames of one source; nil when too few points track.
  /// `shift` is where the face is expected to have gone in pixels (its landmarks' displacement): the
  /// flow starts there, so a fast walker is tracked as well as a slow one.
  public static func residual(from: Image, to: Image, region: FaceBox, shift: (x: Double, y: Double) = (0, 0))
    throws(FaceKitError) -> Double?
  {
    var residual = -1.0
    try native(to.source) {
      cfk_flow_planarity(from.handle, to.handle, region.inclusiveRect, shift.x, shift.y, &residual, $0)
    }
    return residual >= 0 ? residual : nil
  }
}
