import AttendanceKit
import FaceKit
import Foundation

/// How att-take decides. The recognition defaults come from ../shared/faces/people (leave-one-out over
/// 178 photos of 31 people against every other photo) and ../shared/faces/unknown:
/// - nearest same-person distance: median 0.33, 95th percentile 0.46, max 0.54;
/// - nearest other-person distance: min 0.52, 5th percentile 0.58; unknown probes: min 0.58.
/// At 0.5, 98.9% of photos are matched to the right person and no other-person or unknown face is
/// accepted; at dlib's 0.6, 11% of faces have another person within the threshold.
public struct TakeOptions: Sendable {
  public var threshold: Float = 0.5
  /// The nearest other person must be at least this much further (5th percentile of the gap: 0.17).
  public var margin: Float = 0.08
  /// Consecutive matches to the same person that settle a track's identity.
  public var settleMatches = 3
  /// Descriptor attempts without an accepted match after which a track is logged as unknown.
  public var unknownAfter = 5
  /// Seconds between descriptor attempts on a track whose identity is not settled.
  public var recheckInterval = 0.2
  /// The face detector. RetinaFace finds faces from about 12 px and is followed between searches;
  /// HOG (the older pipeline) searches every frame and sees nothing under about 80 px. Set it with
  /// `use(_:searchSide:)`, which gives it the schedule that goes with it.
  public private(set) var detector: DetectorKind = .retinaface
  /// HOG only: image doublings before detection; 0 finds faces from about 80 px.
  public var upsample = 0
  /// How faces are searched for and followed, `follow.searchSide` included (the whole-frame search
  /// runs on a copy at most that many pixels on its longer side).
  public var follow = FollowOptions()
  /// A track is identified only once its face is at least this wide (px): below it dlib's
  /// descriptors of the same person scatter (measured on ../shared/faces/people shrunk to each size).
  public var identifySize = 40
  /// ...and turned no further than this (`DetectedFace.turn`: the nose's offset from the middle of
  /// the eyes in eye distances; 0.35 is roughly 35 degrees, an estimate from the nose's depth). A
  /// profile gives a descriptor far from every frontal photo (Lin-Manuel Miranda turned away on the
  /// Hamilton clip, at 0.61-0.75, was 0.54-0.58 from his photos and matched nobody), and would count
  /// as unknown.
  public var maxTurn = 0.35
  public var liveness = LivenessOptions()
  /// Challenge mode (kiosks with a screen): a recognised person must also do a random sequence of
  /// turns and blinks, each within its time, before they are marked. nil: off.
  public var challenge: ChallengeOptions?
  public var deviceID: String
  public var classID: String?
  public var direction: AttendanceMessage.Direction = .in
  /// Where to save face crops of unknown faces and of recorded attendance (nil: none).
  public var snapshots: String?
  /// How long the crops in `snapshots` are kept, in days (older ones are deleted as att-take runs).
  public var snapshotDays = 30
  /// Seconds between checks for a changed gallery (people enrolled or removed meanwhile).
  public var galleryPoll = 2.0
  /// Stills: each image is a moment of its own, not a frame of a sequence (`useStills()`).
  public private(set) var stills = false

  public init(deviceID: String) {
    self.deviceID = deviceID
  }

  /// Stills (unrelated photos): every image is searched whole and each face decided on it alone;
  /// one descriptor settles an identity (or makes a face unknown), and a face never continues into
  /// the next image. Liveness cannot be judged on a still: with it on, nobody is marked.
  public mutating func useStills() {
    stills = true
    settleMatches = 1
    unknownAfter = 1
    follow.searchEvery = 1
  }

  /// Chooses the detector and the schedule it runs best with: RetinaFace searches every few frames
  /// on a copy at most 960 px wide and follows faces in between; HOG searches every frame, at 640.
  public mutating func use(_ detector: DetectorKind, searchSide: Int? = nil) {
    self.detector = detector
    follow = detector == .retinaface ? FollowOptions() : FollowOptions.everyFrame
    follow.searchSide = searchSide ?? (detector == .retinaface ? 960 : 640)
  }
}
