import AttQueue
import AttRecognition
import AttendanceKit
import FaceKit
import FaceVideo
import Foundation
import Logging

/// One att-take run: the gallery (a camera host's link to att-serve, or a database's), the recognition
/// session, and what is done with its events: snapshots written, messages delivered, the counts kept,
/// the camera's status reported and the annotated video written. att-take parses its options and
/// calls this; the tests drive it frame by frame (`handle`) or over a source (`run`).
public final class TakeRun {
  /// Where the gallery comes from and where the camera's status goes.
  public enum Mode {
    /// A camera host: the gallery from att-serve, kept fresh by the link; observations through the
    /// broker; the status to att-serve.
    case cameraHost(GalleryLink)
    /// A local database: its gallery, polled (and announced on `att.events` when `events` names the
    /// broker); the status into the database when `statusToDatabase` (direct mode).
    case database(AttendanceStore, events: BrokerURL?, statusToDatabase: Bool)
  }

  public let options: TakeOptions
  public let mode: Mode
  public let delivery: any MessageDelivery
  public let session: RecognitionSession
  public let meter = CameraMeter()
  public private(set) var summary = TakeSummary()
  private let gallery: any GallerySource
  private let snapshots: SnapshotFolder?
  /// With snapshots on, the face of each recognised track as it was first seen waiting for liveness
  /// (or asked a challenge step), by track: saved if the track ends unmarked (a photo that never
  /// looked live, or a live pupil never judged live), dropped once it is marked or refused.
  private var waitingCrops: [Int: (person: String?, crop: Image)] = [:]
  /// The people this run marked (or found marked already): a later track of theirs that ends
  /// before a live verdict is nothing to review.
  private var marked: Set<String> = []
  /// When the snapshot folder was last pruned (at the start, then hourly while running).
  private var pruned: ContinuousClock.Instant?
  /// Each final decision, as it is made (att-take prints it).
  public var onDecision: (TakeDecision) throws -> Void = { _ in }
  public var log = Logger(label: "att.take")

  /// Loads the gallery (a camera host fetches it, or reads its cache) and the models. A camera host's
  /// failures are `CameraHostError`s; missing models are `FaceKitError`s.
  public init(models: ModelSet, options: TakeOptions, mode: Mode, delivery: any MessageDelivery) throws {
    self.options = options
    self.mode = mode
    self.delivery = delivery
    let matcher: GalleryMatcher
    switch mode {
    case .cameraHost(let link):
      do {
        matcher = try link.start()
      } catch CameraHostError.tokenRefused(let server, let message, let cache) {
        // A retired or stolen camera: its faces go with its gallery cache.
        if let path = options.snapshots {
          let deleted = SnapshotFolder(path).erase(nil)
          Logger(label: "att.take").info("deleted \(deleted) snapshot(s) from \(path): the server refused this camera's token")
        }
        throw CameraHostError.tokenRefused(server: server, message: message, cache: cache)
      }
      gallery = link
    case .database(let store, let events, _):
      matcher = try GalleryMatcher(gallery: try Gallery(store: store))
      gallery = StoreGallerySource(store: store, events: events.map { GalleryEvents(broker: $0) }, poll: options.galleryPoll)
    }
    session = try RecognitionSession(models: models, options: options, matcher: matcher)
    snapshots = options.snapshots.map { SnapshotFolder($0, keepDays: options.snapshotDays) }
    meter.gallery(people: matcher.people.count)
  }

  /// Processes one frame: the gallery picked up if it changed, the session's events acted on.
  /// Returns the frame's final decisions and the boxes to draw.
  @discardableResult
  public func handle(_ frame: DetectedFrame) throws -> (decisions: [TakeDecision], annotations: [FrameAnnotation]) {
    if let snapshots, pruned.map({ $0.duration(to: .now) > .seconds(3600) }) ?? true {
      // The camera's own copies of faces are kept for --snapshot-days, as the server's are.
      pruned = .now
      let deleted = snapshots.prune()
      if deleted > 0 { log.info("deleted \(deleted) snapshot(s) older than \(snapshots.keepDays) days from \(snapshots.path)") }
    }
    if let fresh = try gallery.changedMatcher() {
      let left = Set(session.matcher.people.map(\.id)).subtracting(fresh.people.map(\.id))
      session.use(fresh)
      forget(left)
      summary.galleryReloads += 1
      meter.gallery(people: fresh.people.count)
      log("gallery reloaded: \(fresh.people.count) people / \(fresh.embeddings) embeddings")
    }
    let (events, annotations) = try session.process(frame)
    summary.frames += 1
    summary.faces += frame.faces.count
    summary.tracks = session.tracksStarted
    meter.frame(faces: frame.faces.count)
    return (try events.map { try act(on: $0, image: frame.image) }, annotations)
  }

  /// People who left the gallery (removed, or erased on another host) leave no face on this camera:
  /// their crops in the --snapshots folder are deleted (only files named as att-take names that
  /// person's, `CameraCropName`), and a waiting crop of theirs is dropped. The server erases its own
  /// copies; a camera host's folder is on a machine the server cannot reach.
  private func forget(_ people: Set<String>) {
    guard !people.isEmpty else { return }
    marked.subtract(people)
    waitingCrops = waitingCrops.filter { !people.contains($0.value.person ?? "") }
    guard let snapshots else { return }
    for person in people.sorted() {
      let deleted = snapshots.erase(person)
      if deleted > 0 {
        log.info("deleted \(deleted) snapshot(s) of \(person) from \(snapshots.path): no longer in the gallery")
      }
    }
  }

  /// Ends every open track (the source ended, or a stop); returns the last decisions.
  @discardableResult
  public func finish() throws -> [TakeDecision] {
    // A track's end needs no image: ended tracks are never present nor unknown.
    try session.finish().map { try act(on: $0, image: nil) }
  }

  /// Runs the pipeline over `pipeline`'s source until it ends or `stop`; `onFrame` sees each frame
  /// with its boxes (the preview window). Reports the status every `statusEvery` seconds when there is
  /// somewhere to report it, and writes the boxes into `annotate` (an MJPG .avi) when given.
  public func run(
    _ pipeline: FramePipeline, models: ModelSet, stop: StopSignal, status: CameraStatus?, annotate: String?,
    onFrame: ((DetectedFrame, [FrameAnnotation]) throws -> Void)? = nil
  ) throws -> TakeSummary {
    session.profile = pipeline.profile
    let reporter = status.flatMap { statusReporter($0, dropped: pipeline.dropped) }
    reporter?.start()
    if case .cameraHost(let link) = mode { link.run() }
    defer {
      reporter?.finish()
      if case .cameraHost(let link) = mode { link.stop() }
    }
    var writer: VideoWriter?
    defer { writer?.close() }
    let started = ContinuousClock.now
    let dropped = try pipeline.run(models: models, stop: stop) { frame in
      let (decisions, annotations) = try handle(frame)
      for decision in decisions { try onDecision(decision) }
      try onFrame?(frame, annotations)
      if let annotate {
        if writer == nil {
          let rate =
            pipeline.source.isLive || frame.time <= 0 ? pipeline.imageFrameRate : max(Double(frame.index) / frame.time, 1)
          writer = try VideoWriter(path: annotate, framesPerSecond: rate, width: frame.image.width, height: frame.image.height)
        }
        try writer?.write(frame.image, annotations: annotations)
      }
    }
    for decision in try finish() { try onDecision(decision) }
    summary.droppedFrames = dropped
    summary.skippedFrames = pipeline.skipped.count
    summary.seconds = started.elapsedSeconds
    return summary
  }

  // MARK: acting on the session's events

  private func act(on event: TrackEvent, image: Image?) throws -> TakeDecision {
    let final: TakeDecision
    switch event {
    case .report(let decision) where decision.refusedByLiveness:
      // The face liveness refused, at the moment it was refused: for whoever reviews the refusals
      // (a friend's phone held up, or a live pupil refused by mistake, to be marked by hand).
      waitingCrops[decision.track] = nil
      let snapshot = try image.flatMap { image in
        try snapshots.map {
          try $0.save(try $0.reviewCrop(decision.box, of: image), kind: "refused-\(decision.person ?? "face")")
        }
      }
      final = decision.with(snapshot: snapshot?.path)
      try logRefusal(final, jpeg: snapshot?.jpeg)
    case .report(let decision) where decision.attendance == .waitingForLiveness || decision.attendance == .challenge:
      if let snapshots, let image, waitingCrops[decision.track] == nil {
        waitingCrops[decision.track] = (decision.person, try snapshots.reviewCrop(decision.box, of: image))
      }
      final = decision
    case .unmarked(let decision, _):
      // Never judged live: the face as it waited, for the same review.
      let crop = waitingCrops.removeValue(forKey: decision.track)?.crop
      let snapshot = try crop.flatMap { try snapshots?.save($0, kind: "unmarked-\(decision.person ?? "face")") }
      final = decision.with(snapshot: snapshot?.path)
      // Photos were never going to be judged live: the operator chose liveness on them and is told.
      if !options.stills { try logRefusal(final, jpeg: snapshot?.jpeg) }
    case .report(let decision), .undecided(let decision, _):
      final = decision
    case .unknown(let decision, let nearest):
      // With snapshots on, the crop travels with the message: the server keeps it for an admin.
      let snapshot = try image.flatMap { try snapshots?.save(decision.box, of: $0, kind: "unknown") }
      let message = UnknownFaceMessage(
        deviceID: options.deviceID, capturedAt: CapturedTime(Date()),
        nearestDistance: nearest?.distance.map(Double.init), nearestPersonID: nearest?.nearestPersonID,
        snapshotPath: snapshot?.path, jpeg: snapshot.flatMap { $0.jpeg.count <= MessageLimits.snapshotBytes ? $0.jpeg : nil })
      _ = try delivery.deliver(.unknownFace(message))
      final = decision.with(snapshot: snapshot?.path)
    case .present(let decision, let match):
      waitingCrops[decision.track] = nil
      final = try markPresent(decision, match: match, image: image)
      if let person = final.person, [.recorded, .duplicate, .queued].contains(final.attendance) { marked.insert(person) }
    }
    summary.count(event, final: final)
    return final
  }

  /// Tells the database that a recognised person was not marked for liveness (a cue's attack vote,
  /// a failed challenge, never judged live), with the crop when snapshots are on: the dashboard
  /// lists it for review, and a live pupil refused by mistake is marked present from there.
  private func logRefusal(_ decision: TakeDecision, jpeg: Data?) throws {
    guard let person = decision.person else { return }
    let verdict: LivenessRefusalMessage.Verdict =
      switch decision.attendance {
      case .challengeFailed: .challengeFailed
      case .spoof: .spoof
      default: decision.liveness == .spoof ? .spoof : .notMarked
      }
    // Someone marked earlier in the run who walks past again is not news; a refusal of them is.
    if verdict == .notMarked && marked.contains(person) { return }
    let figures = decision.livenessFigures.filter { $0.value.isFinite }
    let message = LivenessRefusalMessage(
      personID: person, deviceID: options.deviceID, classID: options.classID, capturedAt: CapturedTime(Date()),
      direction: options.direction, distance: decision.distance.map(Double.init), verdict: verdict,
      reason: String((decision.reason ?? verdict.rawValue).prefix(MessageLimits.verdictLength)),
      figures: figures.isEmpty || figures.count > MessageLimits.figureCount ? nil : figures, snapshotPath: decision.snapshot,
      jpeg: jpeg.flatMap { $0.count <= MessageLimits.snapshotBytes ? $0 : nil })
    do {
      _ = try delivery.deliver(.livenessRefusal(message))
    } catch let error as MessageError {
      // A refusal the checks turn down is logged and dropped: it must not stop the camera.
      log.warning("the liveness refusal of \(person) was not sent: \(error)")
    }
  }

  private func markPresent(_ decision: TakeDecision, match: GalleryMatcher.Identification, image: Image?) throws
    -> TakeDecision
  {
    guard let person = match.personID else { return decision.with(.rejected, reason: "no person to mark") }
    // With snapshots on, the face as marked and what is around it travels with the message: an admin
    // checks who the camera marked (a phone held up that got through looks like any other arrival).
    let snapshot = try image.flatMap { image in
      try snapshots.map { try $0.save(try $0.reviewCrop(decision.box, of: image), kind: person) }
    }
    let decision = decision.with(snapshot: snapshot?.path)
    let message = AttendanceMessage(
      personID: person, deviceID: options.deviceID, classID: options.classID,
      capturedAt: CapturedTime(Date()), direction: options.direction, distance: match.distance.map(Double.init),
      liveness: AttendanceMessage.Liveness(
        verdict: decision.liveness.rawValue, reason: decision.reason.map { String($0.prefix(MessageLimits.verdictLength)) },
        figures: decision.livenessFigures),
      snapshotPath: snapshot?.path, jpeg: snapshot.flatMap { $0.jpeg.count <= MessageLimits.snapshotBytes ? $0.jpeg : nil })
    switch try delivery.deliver(.attendance(message)) {
    case .queued: return decision.with(.queued, reason: decision.reason)
    case .applied(let result):
      switch result.outcome {
      case .applied: return decision
      case .duplicate(let text): return decision.with(.duplicate, reason: text)
      case .rejected(let text): return decision.with(.rejected, reason: text)
      }
    }
  }

  // MARK: status

  /// The thread that reports the camera's status: to att-serve from a camera host (whose reply names
  /// the gallery's version, so a camera without events learns of changes within one interval), into
  /// the database in direct mode, and nowhere in queue mode with a local database (said once).
  private func statusReporter(_ template: CameraStatus, dropped: FrameCount) -> CameraReporter? {
    let send: @Sendable (CameraStatus) throws -> Void
    let meter = meter
    switch mode {
    case .cameraHost(let link):
      send = { status in
        let reply = try link.client.send("POST", "api/devices/status", body: try CameraStatus.encoder.encode(status))
        let answer = try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any]
        if let version = answer?["gallery_version"] as? String, version != link.version.version { link.fetchSoon() }
      }
    case .database(let store, _, true):
      send = { try store.saveCameraStatus($0, reportedBy: AttendanceStore.localReporter) }
    case .database(_, _, false):
      log("camera status is not reported: it goes to att-serve with --gallery, or into the database in direct mode")
      return nil
    }
    let link: GalleryLink? = if case .cameraHost(let link) = mode { link } else { nil }
    return CameraReporter(
      interval: template.interval,
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
      send: send, log: log)
  }
}
