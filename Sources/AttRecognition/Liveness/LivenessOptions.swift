import AttendanceKit
import FaceKit
import Foundation

/// The settings of the per-track liveness cues.
public struct LivenessOptions: Sendable, Equatable {
  public var enabled = true
  /// The cues in use. The fusion rule: attack when any cue in use says attack (planar motion, or the
  /// texture's median P(live) under its threshold); live when a live cue in use fired (a blink, or
  /// non-planar motion) and none says attack; otherwise waiting.
  public var cues: Set<LivenessCue> = [.blink, .motion, .screen]
  /// Faces narrower than this (px) are not judged: the track waits. At 48 px the eye distance is
  /// about 19 px, so the motion cue's 3% line is 0.6 px, which sub-pixel Lucas-Kanade tracking can
  /// still resolve (an estimate from the geometry; no clip here measures the cues at each size).
  public var minFace = 48
  /// A blink older than this many seconds no longer counts.
  public var window = 10.0
  /// Eyes count as closed below this fraction of the track's open-eye ratio, and open again above `reopen`.
  public var closeFraction = 0.7
  /// One eye on its own (a wink, or the other eye hidden) must close under this fraction of its open value.
  public var eyeCloseFraction = 0.5
  public var reopenFraction = 0.85
  /// A closure shorter or longer than this (seconds) is not a blink (noise, or eyes shut / looking down).
  public var minClosure = 0.04
  public var maxClosure = 0.6
  /// ...and also more than this many robust standard deviations of the ratio below its median.
  public var noiseMargin = 5.0
  /// Landmarks are compared with those of about this many seconds earlier (whatever the frame rate)...
  public var motionSpan = 0.25
  /// ...and pairs whose landmarks moved more than this fraction of the eye distance test the motion cue...
  public var minMotion = 0.1
  /// ...which votes attack when, over at least `minMovingPairs` such pairs, one homography per pair
  /// explains the tracked texture of the inner face to within this fraction of the eye distance
  /// (median). An attack vote is final for the track, so the line sits under every live face
  /// measured. `att-liveness eval-video` (2026-12-01), per-track medians over 8+ moving pairs:
  /// live faces of the nine clips of faces/video 0.0086-0.083 (a face that walks or turns a little
  /// moves nearly as a plane: 8 of 16 under 0.02); printed and hand-held photos, also turned 40
  /// degrees, 0.0018-0.0095 (37 of 44 under 0.008); photos on a tablet 0.0015-0.046; videos
  /// replayed on a tablet 0.015-0.084, inside the live range: motion cannot tell a replay.
  public var planarResidual = 0.008
  /// A track whose median residual over at least `minMovingPairs` pairs is above this is live by
  /// motion: a head turning (nose and ears at different depths) or a face speaking. Between the two
  /// thresholds motion decides nothing.
  public var solidResidual = 0.045
  public var minMovingPairs = 8
  /// The texture cue: the model, how often a track's face crop is scored (seconds), and how many
  /// scores its median needs before it may vote.
  /// The context cue: over pairs in which the face moved at least `contextShift` of its width with
  /// the camera still (under `contextSceneMoving` of the far scene's points moved), a pair is "held"
  /// when at least `contextHeld` of the points beside and above the face moved with it as one plane,
  /// and "free" when at most `contextFree` of them moved. It votes attack after `contextPairs` held
  /// pairs that are at least `contextShare` of the judged ones.
  /// The camera is mounted: when the whole view moves with the face, something held up covers it
  /// (a phone or tablet close to the lens). Without it, such pairs are the camera moving and decide nothing.
  public var contextFixedCamera = true
  public var contextShift = 0.03
  public var contextSceneMoving = 0.3
  public var contextHeld = 0.5
  public var contextFree = 0.25
  public var contextPairs = 3
  public var contextShare = 0.6
  /// The screen cue (`ScreenLook`), scored every `screenInterval` seconds: it votes attack when the
  /// median moire of at least `textureSamples` crops is above this. `att-liveness eval-video`
  /// (2026-12-02, crops 0.1 s apart), per-track medians: live faces of the nine clips 4.5-18.1 (20
  /// tracks); printed and hand-held photos 5.5-22.0; photos on a simulated tablet 8.3-201; videos
  /// replayed on one 15-288 (p10 26).
  public var screenMoire = 24.0
  public var screenInterval = 0.1
  public var textureModel: TextureModel?
  public var textureInterval = 0.2
  public var textureSamples = 5

  public init() {}

  /// Whether `cue` is in use: turned on, and for the texture cue, with a model loaded.
  public func uses(_ cue: LivenessCue) -> Bool {
    cues.contains(cue) && (cue != .texture || textureModel != nil)
  }
}
