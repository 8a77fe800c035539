import AttendanceKit
import FaceKit
import Foundation

/// One liveness cue; att-take fuses the ones turned on.
public enum LivenessCue: String, Sendable, CaseIterable, Codable, Comparable {
  /// Eye aspect ratio from the 68 landmarks: a closure of 40-600 ms within the window is live.
  case blink
  /// The face's own texture tracked across 0.25 s: one homography explains it (a flat picture moved
  /// or turned: attack), or it does not: the face moves as a solid with depth, or speaks (live).
  case motion
  /// A colour-texture classifier on the face crop (Models/liveness-texture.json): prints and screens
  /// re-image a face, which changes its fine texture and colour. Votes attack only.
  case texture
  /// What surrounds the face: beside and above it a held phone, tablet or sheet shows its frame and
  /// screen, which move with the face as one plane while the rest of the scene stays still. Votes
  /// attack only, and only when the camera itself is still.
  case context
  /// The look of a display on the face itself: its pixel grid aliasing with the camera's into a
  /// moire, a strong periodic component in the skin's fine texture (`ScreenLook`). Votes attack only.
  case screen
  /// A device around the face: an object detector trained on real photos (COCO) sees a phone, a
  /// laptop or a monitor whose box holds the face, with no person's body reaching out of it. Votes
  /// attack only.
  case device

  /// The cues that never say live, only attack.
  public static let attackOnly: Set<LivenessCue> = [.texture, .context, .screen, .device]

  public static func < (a: LivenessCue, b: LivenessCue) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}
