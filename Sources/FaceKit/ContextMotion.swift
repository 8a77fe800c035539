import CFaceKit
import Foundation

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
