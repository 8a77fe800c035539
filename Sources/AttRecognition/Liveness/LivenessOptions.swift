import AttendanceKit
import FaceKit
import Foundation

/// The settings of the per-track liveness cues.
public struct LivenessOptions: Sendable, Equatable {
  public var enabled = true
  /// The cues in use. The fusion rule: attack when any cue in use says attack (planar motion, or the
  /// texture's median P(live) under its threshold); live when a live cue in use fired (a blink, or
  /// non-planar motion) and none says attack; otherwise waiting.
  public var cues: Set<LivenessCue> = [.blink, .motion, .screen, .device]
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
  /// ...or, when the face moved less than `minMotion` since then, with the latest frame up to this
  /// many seconds back from which it did: a slow turn, or a camera of few frames per second...
  public var motionReach = 1.0
  /// ...and pairs whose landmarks moved more than this fraction of the eye distance test the motion cue...
  public var minMotion = 0.1
  /// ...which call the motion flat when, over at least `minMovingPairs` such pairs, one homography per
  /// pair explains the tracked texture of the inner face to within this fraction of the eye distance
  /// (median). Flat motion holds back a live verdict by blink (`MotionCue.isPending`) until the head
  /// moves as a solid; it is not an attack vote. Over the 16 live clips of ../shared/faces/video
  /// (2026-12-06, `make bench`'s `att-liveness eval-video --real`) the lowest running median of any
  /// live track is 0.0086; the line is that over 1.5. It was a final attack vote (at 0.008 until
  /// 2026-12-06, which refused two live phone selfies of held-out recordings; then at 0.0055): a live
  /// face that barely turns can be as flat as a photo, so flat motion is doubt since 2026-12-07. A
  /// photo moved or turned stays under the solid line below in any case, so it is never marked.
  public var planarResidual = 0.0055
  /// A track is live by motion once the median residual of `solidPairs` consecutive moving pairs
  /// is above this, at any time in its life (a pupil who turns once): a head turning (nose and ears
  /// at different depths) or a face speaking. A replayed video shows such motion too: motion cannot
  /// tell a replay; the screen and device cues look for that. The line keeps a printed photo from
  /// being marked: the printed photos of ../shared moved by a rendered hand or turn
  /// (`att-liveness eval-video`, 57 videos; no real recording of a print exists here) move under 0.95%, and none is judged live at 0.02 (2.1x
  /// over them). Live faces of real footage move at 1.2-12%: at 0.045 (until 2026-12-06) 8 of the 26
  /// live tracks of ../shared were not live within 3 s, at 0.02 two are.
  public var solidResidual = 0.02
  public var minMovingPairs = 8
  /// How many consecutive moving pairs the live vote's median is taken over (at any time in the
  /// track). At 4 one more live track of ../shared was live within 3 s (BPCER 46% to 42% over all 26
  /// tracks, bystanders included), but 1 of the 57 rendered photos held in a hand was judged live
  /// (none at 8): 8 keeps a photo from ever being marked.
  public var solidPairs = 8
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
  /// median moire of at least `textureSamples` crops is above this. The line is set on real footage
  /// only: the highest running median of any live track of the 16 live clips of ../shared is 27.7
  /// (live_office_walk, at its fifth crop; it was voted an attack at the old line of 24), and the line
  /// is that with a margin of 44%. Rendered replays (`DisplayLook`) measure 15-288 and test the
  /// mechanism only; how many real replays reach 40 is measured on a site's own recordings.
  public var screenMoire = 40.0
  public var screenInterval = 0.1
  /// Over this running median (the highest any live face measured reached: the line over its
  /// margin) and up to the line, the live verdict waits, for at most `screenHold` crops in a track's
  /// life (1 s at `screenInterval`): a replay's moire may still be climbing toward the line, and a
  /// live verdict by motion would mark it first. No live track of ../shared comes there.
  public var screenHoldFrom: Double { screenMoire / LivenessLines.screenMargin }
  public var screenHold = 10
  /// The device cue (`DeviceCue`): a look every `deviceInterval` seconds at the face's surroundings;
  /// devices scoring under `deviceScore` are ignored; it votes attack after `deviceLooks` looks that
  /// found the face on a device (at least half of its looks), and no live verdict comes before that
  /// many looks.
  public var deviceInterval = 0.3
  public var deviceScore = 0.3
  public var deviceLooks = 2
  /// Looks the live verdict waits for after each sighting short of a vote (`DeviceCue.isPending`). No
  /// live track of the 16 live clips of ../shared has a single sighting (34 tracks, 0 of their looks
  /// on a device or held in a frame), so the hold costs them nothing; a false sighting beside a live
  /// face delays it by `deviceHold` looks, never refuses it.
  public var deviceHold = 3
  /// The detector sees the region at this size (px a side): a look takes about 50 ms here, the face
  /// is about 46 px and a phone around it 90-140 px. att-take looks only at tracks matched to someone
  /// enrolled, so a look costs a few per person (on the Hamilton clip, 3 looks in 275 frames).
  public var deviceSide = 320
  /// The device cue's edges: the face must have moved this many face widths between two looks, and
  /// the edges on three or more sides stayed within `frameTolerance` face widths of where they were.
  public var frameShift = 0.25
  /// Sides with an edge, in both looks. On the 16 live clips of ../shared no live track has a held
  /// look at 2 sides (34 tracks; the vote needs 2 held looks); rendered photos and tablets held in a
  /// hand have 2-11 (the mechanism, not a figure).
  public var frameSides = 2
  public var frameTolerance = 0.12
  public var textureModel: TextureModel?
  public var textureInterval = 0.2
  public var textureSamples = 5

  public init() {}

  /// Whether `cue` is in use: turned on, and for the texture cue, with a model loaded.
  public func uses(_ cue: LivenessCue) -> Bool {
    cues.contains(cue) && (cue != .texture || textureModel != nil)
  }
}
