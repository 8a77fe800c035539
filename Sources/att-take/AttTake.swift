import ArgumentParser
import AttCommandLine
import AttendanceKit
import FaceKit
import FacePreview
import Foundation

/// `att-take`: watch a camera or video and record who is there.
@main
struct AttTake: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "att-take",
    abstract: "Recognise people on a camera, video or images and record their attendance.",
    discussion: """
      Faces are found with RetinaFace on full-resolution frames (the whole frame about 6 times a \
      second, each track in between in a small region around it), followed as tracks, and each \
      track is identified once its face is --identify-size wide: the nearest stored face must be \
      within --threshold and every other person at least --margin further. A settled track is \
      marked present once, when liveness says live; the store keeps one record per person, class \
      and day.

      Liveness fuses the cues in --liveness-cues (blink, motion, screen by default; context and \
      texture on request): a track is an attack when any cue says so, live when a live cue fired \
      and none said attack. Sites that must refuse a video replayed on a screen use --challenge. \
      --liveness off is for testing only.

      The defaults and their figures (how far faces are seen, the threshold's error rates, each \
      liveness cue's APCER and BPCER on every clip) are in the README: "att-take: recognise and \
      record", "Finding faces on real footage" and "att-liveness: the cues, measured".

      Outputs: observations go through the message handler (the local database in direct mode, \
      the broker with MQ_URL); --json prints one JSON line per decision; --annotate writes the \
      video with boxes and names; a summary goes to standard error at the end. Ctrl-C or SIGTERM \
      stops after the frame in hand. A camera that drops is reopened with back-off.

      A camera host needs no database: with --gallery (or $ATT_GALLERY) and a camera token in \
      $ATT_TOKEN, the gallery comes from att-serve, only what changed, cached on disk (0600) so \
      that the camera runs while the server is down.

      Exit status: 0 when the source ended or was stopped (Ctrl-C, SIGTERM); 1 for a failure on \
      the way; 2 when the models are missing; 64 for a usage error; 66 when the source does not \
      exist or cannot be opened; 69 when the database cannot be used; 78 for an unusable setting.

      Examples:
        att-take --source 0 --class CS
        att-take --source rtsp://cam1.local/stream --device gate-1 --json | jq -c 'select(.attendance == "recorded")'
        att-take --source clip.mp4 --annotate clip-annotated.avi
        ATT_TOKEN=att_... MQ_URL=amqps://... att-take --source 0 --gallery https://att.school.lan:8443 --device gate-1 --name "Main gate"
      """,
    version: AttVersion.current)

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

  @Option(help: ArgumentHelp("Save face crops of unknown faces and of marked attendance in this folder.", valueName: "dir"))
  var snapshots: String?

  @Option(help: "Largest distance to a stored face that identifies a person.")
  var threshold: Float = 0.5

  @Option(help: "How much further the nearest other person must be.")
  var margin: Float = 0.08

  @Option(help: "Consecutive matching descriptors that settle a track's identity.")
  var settle = 3

  @Option(help: "on, or off for testing (photos and screens are then marked present).")
  var liveness: LivenessSwitch = .on

  @Option(
    help: ArgumentHelp(
      "The liveness cues to fuse, comma-separated: blink, motion, screen, context, texture.", valueName: "cues"))
  var livenessCues = "blink,motion,screen"

  @Flag(
    help: """
      Challenge mode, for kiosks with a screen: a recognised person is asked to do a random sequence of \
      steps (turn left, turn right, blink), each within --challenge-seconds, before being marked; a wrong \
      turn or a missed step fails. Prompts go to standard error, --preview and --annotate.
      """)
  var challenge = false

  @Option(help: "Steps in a challenge.")
  var challengeSteps = 2

  @Option(help: "Seconds allowed for each challenge step.")
  var challengeSeconds = 5.0

  @Option(help: "Pipeline threads: 2 overlaps decoding and detection with recognition; 1 runs everything in turn.")
  var threads = 2

  @Option(
    help:
      "Face detector: retinaface (small and turned faces, followed between searches) or hog (the older pipeline: whole frame every frame, faces from about 80 px)."
  )
  var detector: DetectorKind = .retinaface

  @Option(
    help:
      "Search the whole frame on a copy at most this many pixels on its longer side (0: full size). (default: 960 with retinaface, 640 with hog)"
  )
  var detectionSide: Int?

  @Option(
    help:
      "retinaface: search the whole frame for new faces every this many frames, and follow known faces in between (1: every frame). (default: about 6 searches a second from the source's frame rate: every 5th frame at 30 frames/s)"
  )
  var searchEvery: Int?

  @Option(help: "retinaface: faces narrower than this (pixels of the frame) start no track.")
  var minFace = 16

  @Option(help: "Identify a track only once its face is at least this wide (pixels); smaller faces are followed and wait.")
  var identifySize = 40

  @Option(help: "hog: image doublings before detection (0-2); 0 finds faces from about 80 px on the detection copy.")
  var upsample = 0

  @Option(help: "Frame rate given to a folder of images (each image one frame).")
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

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var imageOptions: ImageOptions
  @OptionGroup var modelOptions: ModelOptions

  enum LivenessSwitch: String, ExpressibleByArgument { case on, off }

  /// The cues named in `list` ("blink,motion,screen"); an unknown name is a usage error that names it.
  static func cues(_ list: String) throws -> Set<LivenessCue> {
    var cues: Set<LivenessCue> = []
    for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
      guard let cue = LivenessCue(rawValue: name) else {
        throw ValidationError("--liveness-cues: '\(name)' is not a cue (blink, motion, screen, context, texture).")
      }
      cues.insert(cue)
    }
    guard !cues.isEmpty else { throw ValidationError("--liveness-cues: name at least one cue, or use --liveness off.") }
    return cues
  }

  func validate() throws {
    _ = try Self.cues(livenessCues)
    guard threshold > 0 && threshold < 2 else { throw ValidationError("--threshold must be between 0 and 2.") }
    guard margin >= 0 else { throw ValidationError("--margin must not be negative.") }
    guard (1...20).contains(settle) else { throw ValidationError("--settle must be between 1 and 20.") }
    guard (1...2).contains(threads) else { throw ValidationError("--threads must be 1 or 2.") }
    guard (0...2).contains(upsample) else { throw ValidationError("--upsample must be 0, 1 or 2.") }
    if let detectionSide, detectionSide != 0, detectionSide < 160 {
      throw ValidationError("--detection-side must be 0 or at least 160.")
    }
    guard detector != .cnn else { throw ValidationError("--detector: att-take uses retinaface or hog (cnn is for photos).") }
    guard (1...100).contains(searchEvery ?? 1) else { throw ValidationError("--search-every must be between 1 and 100.") }
    guard (0...1000).contains(minFace) else { throw ValidationError("--min-face must be between 0 and 1000 pixels.") }
    guard (20...1000).contains(identifySize) else { throw ValidationError("--identify-size must be between 20 and 1000 pixels.") }
    guard fps > 0 else { throw ValidationError("--fps must be positive.") }
    if let device, let problem = DeviceID.problem(device) { throw ValidationError("--device: \(problem).") }
    if let name, name.count > 100 { throw ValidationError("--name: use at most 100 characters.") }
    guard statusEvery == 0 || (0.5...3600).contains(statusEvery) else {
      throw ValidationError("--status-every must be 0 (none) or 0.5 to 3600 seconds.")
    }
  }

  func run() throws {
    try reportingErrors("att-take") {
      let settings = try storeOptions.settings()
      let broker = try storeOptions.broker()
      // A camera host (--gallery) holds no database: the gallery comes from att-serve, observations go
      // through the broker. Otherwise the gallery is the database's.
      var store: AttendanceStore?
      var link: GalleryLink?
      let delivery: any MessageDelivery
      if let address = gallery ?? settings["ATT_GALLERY"] {
        guard let url = URL(string: address.hasSuffix("/") ? address : address + "/"),
          ["http", "https"].contains(url.scheme ?? ""),
          url.host != nil
        else {
          throw ToolError("--gallery '\(address)': give att-serve's address, such as https://server:8080", exitCode: .usage)
        }
        guard let broker else {
          throw ToolError(
            "--gallery: a camera host sends its observations through the broker: set MQ_URL (or --mq)", exitCode: .usage)
        }
        if storeOptions.database != nil {
          throw ToolError(
            "--gallery and --db: a camera host with --gallery uses no database; give one or the other", exitCode: .usage)
        }
        guard let token = settings["ATT_TOKEN"], !token.isEmpty else {
          throw ToolError(
            "--gallery needs a camera token in ATT_TOKEN (on the server: att-serve token add NAME --role camera)",
            exitCode: .configuration)
        }
        let cache = GalleryCache(
          path: try galleryCache ?? settings["ATT_GALLERY_CACHE"] ?? "\(storeOptions.stateFolder())/gallery-cache.json")
        link = GalleryLink(
          client: ServerClient(base: url, token: token), cache: cache, model: EmbeddingModel.standard.id, broker: broker,
          log: { Console.error("att-take: \($0)") })
        delivery = try storeOptions.queueDelivery(broker: broker, tool: "att-take")
      } else {
        let (opened, media) = try storeOptions.open()
        store = opened
        delivery = try storeOptions.delivery(store: opened, media: media, tool: "att-take")
      }
      defer { delivery.finishReporting(tool: "att-take") }
      let frames: FrameSource
      // A source that does not exist or cannot be read exits 66 (EX_NOINPUT; reportingErrors maps it).
      frames = try FrameSource(source)
      if stills, case .camera = frames {
        throw ToolError("--stills is for photos (a folder of images or one image), not a camera", exitCode: .usage)
      }
      if stills, case .video = frames {
        throw ToolError("--stills is for photos (a folder of images or one image), not a video or stream", exitCode: .usage)
      }
      var options = TakeOptions(deviceID: device ?? DeviceID.defaultID(host: ProcessInfo.processInfo.hostName, source: source))
      options.threshold = threshold
      options.margin = margin
      options.settleMatches = settle
      options.use(detector, searchSide: detectionSide)
      options.upsample = upsample
      if detector == .retinaface {
        options.follow.searchEvery = searchEvery ?? 0
        options.follow.minFace = minFace
      }
      options.identifySize = identifySize
      // One image is a still whatever the flag: it has no next frame to settle on.
      if case .image = frames { options.useStills() } else if stills { options.useStills() }
      options.classID = classID
      options.direction = direction
      options.snapshots = snapshots
      options.liveness.enabled = liveness == .on
      options.liveness.cues = try Self.cues(livenessCues)
      if options.liveness.cues.contains(.texture) {
        do {
          options.liveness.textureModel = try TextureModel.load(modelOptions.modelSet.texturePath)
        } catch {
          throw ToolError("--liveness-cues texture: \(error)", exitCode: .models)
        }
      }
      if challenge {
        guard (1...5).contains(challengeSteps), challengeSeconds > 0 else {
          throw ToolError("--challenge-steps must be 1-5 and --challenge-seconds positive", exitCode: .usage)
        }
        var challengeOptions = ChallengeOptions()
        challengeOptions.steps = challengeSteps
        challengeOptions.secondsPerStep = challengeSeconds
        options.challenge = challengeOptions
      }

      var window: PreviewWindow?
      if preview {
        window = PreviewWindow(title: "att-take \(source)")
        if window == nil {
          throw ToolError("--preview needs a display (DISPLAY is not set); on a headless machine use --annotate OUT.avi")
        }
      }
      // Signals are caught from here on: a stop while the models load ends the run cleanly too.
      let stop = StopSignal()
      let signals = StopOnSignals(stop, notice: "att-take: stopping after the current frame")
      defer { withExtendedLifetime(signals) {} }
      let matcher: GalleryMatcher
      let gallerySource: any GallerySource
      if let link {
        matcher = try link.start()
        gallerySource = link
      } else {
        matcher = try GalleryMatcher(gallery: try Gallery(store: store!))
        gallerySource = StoreGallerySource(
          store: store!, events: broker.map { GalleryEvents(broker: $0) }, poll: options.galleryPoll)
      }
      Console.error("att-take: \(delivery.summary)")
      Console.error(
        "att-take: device \(options.deviceID), \(matcher.people.count) people / \(matcher.embeddings) embeddings, "
          + "threshold \(threshold), margin \(margin), liveness "
          + (liveness == .on ? "on (\(options.liveness.cues.sorted().map(\.rawValue).joined(separator: " + ")))" : "OFF"))
      if liveness == .off {
        Console.error(
          "att-take: WARNING: LIVENESS IS OFF: a photo or a screen held to the camera will be marked present. For testing only.")
      }
      if matcher.people.isEmpty { Console.error("att-take: warning: nobody is enrolled; every face will be unknown") }

      let session: RecognitionSession
      do {
        session = try RecognitionSession(
          models: modelOptions.modelSet, options: options, matcher: matcher, delivery: delivery, gallery: gallerySource)
      } catch {
        throw ToolError("\(error)", exitCode: .models)
      }
      let meter = CameraMeter()
      meter.gallery(people: matcher.people.count)
      session.onGalleryReload = { matcher in
        meter.gallery(people: matcher.people.count)
        Console.error("att-take: gallery reloaded: \(matcher.people.count) people / \(matcher.embeddings) embeddings")
      }

      var pipeline = FramePipeline(source: frames, options: options)
      pipeline.threads = threads
      pipeline.imageFrameRate = fps
      pipeline.realTime = realTime
      pipeline.log = { Console.error("att-take: \($0)") }
      let reporter = statusReporter(
        deviceID: options.deviceID, meter: meter, dropped: pipeline.dropped, link: link,
        store: delivery is DirectDelivery ? store : nil)
      reporter?.start()
      link?.run()
      var writer: VideoWriter?
      let started = Date()
      let dropped: Int
      do {
        dropped = try pipeline.run(models: modelOptions.modelSet, stop: stop) { frame in
          let (decisions, annotations) = try session.process(frame)
          meter.frame(faces: frame.faces.count)
          for decision in decisions { try report(decision) }
          if let window, let key = try window.show(frame.image, annotations: annotations), key == 27 || key == 113 {
            stop.stop()
          }
          if let annotate {
            if writer == nil {
              writer = try VideoWriter(
                path: annotate,
                framesPerSecond: frames.isLive || frame.time <= 0 ? fps : max(Double(frame.index) / frame.time, 1),
                width: frame.image.width, height: frame.image.height)
            }
            try writer?.write(frame.image, annotations: annotations)
          }
        }
      }
      for decision in session.finish() { try report(decision) }
      writer?.close()
      reporter?.finish()
      link?.stop()
      var summary = session.summary
      summary.droppedFrames = dropped
      summary.seconds = Date().timeIntervalSince(started)
      Console.error(
        String(
          format:
            "att-take: %d frames in %.1f s (%.1f frames/s, %d dropped), %d faces, %d tracks: %d recorded, %d duplicates, %d unknown, %d spoof, %d never live%@",
          summary.frames, summary.seconds, Double(summary.frames) / max(summary.seconds, 0.001), summary.droppedFrames,
          summary.faces, summary.tracks, summary.recorded.count, summary.duplicates.count, summary.unknownTracks,
          summary.spoofTracks,
          summary.waitingTracks,
          (summary.undecided.isEmpty ? "" : ", \(summary.undecided.values.reduce(0, +)) undecided")
            + (summary.queued.isEmpty ? "" : ", \(summary.queued.count) sent to the broker") + (stop.isStopped ? " (stopped)" : "")))
      if options.stills && liveness == .on && summary.waitingTracks > 0 {
        Console.error(
          "att-take: \(summary.waitingTracks) recognised on stills and not marked: liveness cannot be judged on a photo (--liveness off marks faces on photos you trust)"
        )
      }
      // Why faces were not decided, the most frequent first (--json gives each track's figures).
      if !summary.undecided.isEmpty {
        let why = summary.undecided.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
        Console.error("att-take: undecided: " + why.map { "\($0.value) \($0.key)" }.joined(separator: "; "))
      }
      if case .folder = frames, !options.stills, !summary.undecided.isEmpty {
        Console.error("att-take: a folder of unrelated photos (one per person)? --stills decides each image on its own")
      }
      if !summary.recorded.isEmpty { Console.error("att-take: recorded: \(summary.recorded.joined(separator: ", "))") }
      if !summary.queued.isEmpty {
        Console.error(
          "att-take: sent to the broker (att-worker records them, or counts a repeat as a duplicate): \(summary.queued.joined(separator: ", "))"
        )
      }
    }
  }

  /// The thread that reports the camera's status: to att-serve with --gallery (whose reply names the
  /// gallery's version, so a camera without events learns of changes within one interval), into the
  /// database in direct mode, and nowhere in queue mode with a local database (said once).
  private func statusReporter(
    deviceID: String, meter: CameraMeter, dropped: FrameCount, link: GalleryLink?, store: AttendanceStore?
  ) -> CameraReporter? {
    guard statusEvery > 0 else { return nil }
    guard link != nil || store != nil else {
      Console.error(
        "att-take: camera status is not reported: it goes to att-serve with --gallery, or into the database in direct mode")
      return nil
    }
    let template = CameraStatus(deviceID: deviceID, name: name, sourceKind: DeviceID.kind(of: source), interval: statusEvery)
    return CameraReporter(
      interval: statusEvery,
      build: {
        var status = meter.status(template, dropped: dropped.count)
        if let link {
          let gallery = link.version
          status.galleryVersion = gallery.version
          status.galleryPeople = gallery.people
          status.gallerySource = gallery.source
        } else {
          status.galleryPeople = meter.galleryPeople
          status.gallerySource = "database"
        }
        return status
      },
      send: { status in
        if let link {
          let reply = try link.client.send("POST", "api/devices/status", body: try CameraStatus.encoder.encode(status))
          let answer = try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any]
          if let version = answer?["gallery_version"] as? String, version != link.version.version { link.fetchSoon() }
        } else if let store {
          try store.saveCameraStatus(status, reportedBy: "local")
        }
      },
      log: { Console.error("att-take: \($0)") })
  }

  private func report(_ decision: TakeDecision) throws {
    if json {
      Console.output(try JSONText.encode(decision))
    } else if decision.attendance == .undecided {
      return  // counted by reason in the summary; --json gives each track
    } else if Console.isInteractive || decision.attendance != .waitingForLiveness {
      let who = decision.person.map { "\($0) (\(decision.name ?? $0))" } ?? "unknown face"
      let distance = decision.distance.map { String(format: " distance %.2f", $0) } ?? ""
      Console.error(
        String(
          format: "att-take: %.2fs track %d: %@%@: %@", decision.time, decision.track, who, distance, decision.attendance.rawValue
        )
          + (decision.reason.map { " (\($0))" } ?? ""))
    }
  }
}

extension AttendanceMessage.Direction: ExpressibleByArgument {}
