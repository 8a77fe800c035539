import ArgumentParser
import AttCommandLine
import AttFrames
import AttRecognition
import AttendanceKit
import FaceKit
import FaceVideo
import Foundation

/// att-take's own options: the source, the camera, the outputs, recognition, liveness and detection.
struct TakeArguments: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "A camera index (0) or device (/dev/video0), a video file, an RTSP/HTTP URL, an image or a folder of images (frames in name order).",
      valueName: "source"))
  var source: String

  @Option(
    help:
      "The camera id in the records and its status (default: the host's short name and the source's, never a path or a URL: gate-pc:camera0, gate-pc:cam1.local, gate-pc:clip)."
  )
  var device: String?

  @Option(help: "The camera's display name in its status (an admin may rename it on the dashboard).")
  var name: String?

  @Option(
    help: ArgumentHelp(
      "att-serve's address (https://server:8080): the gallery comes from there, read with the camera token in $ATT_TOKEN, and this host needs no database; observations go through the broker (MQ_URL). (default: $ATT_GALLERY)",
      valueName: "url"))
  var gallery: String?

  @Option(
    help: ArgumentHelp(
      "With --gallery: the cache of the last gallery, used when the server is down (mode 0600). (default: $ATT_GALLERY_CACHE, else gallery-cache.json in the database's folder, data/)",
      valueName: "path"))
  var galleryCache: String?

  @Option(
    parsing: .unconditional,
    help:
      "Seconds between status reports (frames/s, drops, faces, gallery version): to att-serve with --gallery, to the database in direct mode; 0: none."
  )
  var statusEvery = 5.0

  @Option(name: .customLong("class"), help: "The class the observations are for.")
  var classID: String?

  @Option(help: "in or out.")
  var direction: AttendanceMessage.Direction = .in

  @Flag(
    name: [.customLong("json"), .customLong("jsonl")],
    help: "Print one JSON object per line (JSON Lines) for each decision on standard output (--jsonl is the old name).")
  var json = false

  @Option(help: ArgumentHelp("Write the frames with boxes, names and liveness state to this MJPG .avi.", valueName: "path"))
  var annotate: String?

  @Flag(help: "Show the frames with boxes and names in a window (needs a display; q or Esc stops).")
  var preview = false

  @Option(
    help: ArgumentHelp(
      "Save face crops of unknown faces, of marked attendance, of faces liveness refused (refused-PERSON-*.jpg: a cue's attack vote or a failed challenge) and of recognised faces never judged live (unmarked-PERSON-*.jpg) in this folder; each --json line names its crop. Crops of marked and refused faces hold 1.5 face widths around the face (at most 640 px). Each crop also goes with its message (an unknown face, a refusal, an arrival), for review on the dashboard by an admin.",
      valueName: "dir"))
  var snapshots: String?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Keep the crops in the --snapshots folder this many days (1 to 3650): older ones att-take saved are deleted as it starts and hourly while it runs (att-serve keeps its copies as long, --snapshot-days). A person who leaves the gallery (erased) has their crops deleted at once.",
      valueName: "days"))
  var snapshotDays = 30

  @Option(parsing: .unconditional, help: "Largest distance to a stored face that identifies a person.")
  var threshold: Float = 0.5

  @Option(parsing: .unconditional, help: "How much further the nearest other person must be.")
  var margin: Float = 0.08

  @Option(parsing: .unconditional, help: "Consecutive matching descriptors that settle a track's identity.")
  var settle = 3

  @Option(
    name: .customLong("liveness-policy"),
    help: ArgumentHelp(
      """
      gate: passive cues, for a door or gate camera (a face is marked when it looks live and is not on a \
      phone, laptop or monitor it sees); kiosk: a random challenge on a screen as well (--challenge), \
      which a replayed video can match only by chance; off: no liveness, for tests only (photos and \
      screens are marked). \
      Default: gate.
      """, valueName: "policy"))
  var livenessPolicyChoice: LivenessPolicy?

  @Option(help: "on (the default), or off: no passive cues (with --challenge, the challenge alone; without, for testing only).")
  var liveness: LivenessSwitch?

  @Option(
    help: ArgumentHelp(
      "The liveness cues to fuse, comma-separated: blink, motion, screen, device, context, texture (default: blink,motion,screen,device).",
      valueName: "cues"))
  var livenessCues: String?

  @Option(
    help: ArgumentHelp(
      "The screen and flat-motion lines set on this site's own live recordings (att-liveness eval-video --real DIR --write-lines FILE) instead of the defaults.",
      valueName: "file"))
  var livenessLines: String?

  @Flag(
    help: """
      Challenge mode, for kiosks with a screen: a recognised person is asked to do a random sequence of \
      steps (turn left, turn right, blink), each within --challenge-seconds, before being marked; a wrong \
      turn or a missed step fails the attempt, and a new challenge is asked until --challenge-attempts have \
      failed. Prompts go to standard error, --preview and --annotate.
      """)
  var challenge = false

  @Option(help: "With --challenge or kiosk: steps in a challenge, 1-5. (default: 2)")
  var challengeSteps: Int?

  @Option(
    parsing: .unconditional,
    help: "With --challenge or kiosk: seconds allowed for each challenge step, 0.5-60. (default: 5)")
  var challengeSeconds: Double?

  @Option(
    parsing: .unconditional,
    help: """
      With --challenge or kiosk: challenges a person may try before the track is refused, 1-5; each is a new \
      random order, so each is one more chance for a replay to match it by luck (1 is the strictest). (default: 2)
      """)
  var challengeAttempts: Int?

  @Option(
    parsing: .unconditional,
    help: "Pipeline threads: 2 overlaps decoding and detection with recognition; 1 runs everything in turn.")
  var threads = 2

  @Option(
    help:
      "Face detector: retinaface (small and turned faces, followed between searches) or hog (the older pipeline: whole frame every frame, faces from about 80 px)."
  )
  var detector: VideoDetector = .retinaface

  @Option(
    parsing: .unconditional,
    help:
      "Search the whole frame on a copy at most this many pixels on its longer side (0: full size). (default: 960 with retinaface, 640 with hog)"
  )
  var detectionSide: Int?

  @Option(
    parsing: .unconditional,
    help:
      "retinaface: search the whole frame for new faces every this many frames, and follow known faces in between (1: every frame). (default: about 6 searches a second from the source's frame rate: every 5th frame at 30 frames/s)"
  )
  var searchEvery: Int?

  @Option(parsing: .unconditional, help: "retinaface: faces narrower than this (pixels of the frame) start no track.")
  var minFace = 16

  @Option(
    parsing: .unconditional,
    help: "Identify a track only once its face is at least this wide (pixels); smaller faces are followed and wait.")
  var identifySize = 40

  @Option(
    parsing: .unconditional,
    help: "hog: image doublings before detection (0-2); 0 finds faces from about 80 px on the detection copy.")
  var upsample = 0

  @Option(parsing: .unconditional, help: "Frame rate given to a folder of images (each image one frame).")
  var fps = 10.0

  @Flag(
    help: """
      The folder holds unrelated photos (one per person, say), not the frames of one camera: each image \
      is decided on its own, one descriptor enough for identity. Liveness cannot be judged on a still: \
      with liveness on a recognised face is reported and not marked (--liveness off marks faces on \
      photos you trust). One image (--source photo.jpg) is always a still.
      """)
  var stills = false

  @Flag(
    help:
      "Read a video file or folder at its own frame rate, as a camera delivers it (frames the detector cannot keep up with are dropped): a recorded clip rehearses a live site."
  )
  var realTime = false

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Analyse at most this many frames a second of the source; the others are read and skipped, so that several cameras share a host's cores evenly (docs/att-take.md: several cameras on one host). Default: every frame (from a camera, every frame the search keeps up with).",
      valueName: "fps"))
  var maxFps: Double?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Threads OpenCV may use for the face search (RetinaFace), next to the pipeline's own two; 0 for OpenCV's default (every core).",
      valueName: "n"))
  var opencvThreads: Int?

  @Flag(
    help:
      "At the end, print where the time went, stage by stage (decode, search, follow, landmarks, liveness, device, descriptor, match): milliseconds in all, per frame and per face. With --json, also one last line {\"profile\": ...} on standard output."
  )
  var profile = false

  enum LivenessSwitch: String, ExpressibleByArgument { case on, off }
  enum LivenessPolicy: String, ExpressibleByArgument, CaseIterable { case gate, kiosk, off }

  /// The policy named, or `gate`.
  var livenessPolicy: LivenessPolicy { livenessPolicyChoice ?? .gate }

  /// Whether liveness is off (`--liveness-policy off` or `--liveness off`).
  var livenessOff: Bool { livenessPolicy == .off || liveness == .off }
}

extension AttendanceMessage.Direction: ExpressibleByArgument {}
