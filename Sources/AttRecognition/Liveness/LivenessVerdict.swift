import AttendanceKit
import FaceKit
import Foundation

/// What liveness concluded for a track so far.
public enum LivenessVerdict: String, Sendable, Codable {
  /// A live cue fired (a blink, or a head that moves as a solid, not as a flat picture) and no
  /// cue says attack: a person.
  case live
  /// Not yet: no live cue fired (a person who has not blinked or moved, or a photo held still).
  case waiting
  /// A cue says presentation attack: the face moved as one flat plane, or its texture is that of
  /// a print or a screen.
  case spoof
  /// Liveness is off (`--liveness off`): everything counts as live. For testing only.
  case off
}
