import ArgumentParser
import AttCamera
import AttCommandLine
import AttDeliveryOptions
import AttFrames
import AttRecognition
import AttendanceKit
import FaceKit
import FacePreview
import FaceVideo
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

      Liveness (--liveness-policy gate, the default) fuses the cues in --liveness-cues (blink, \
      motion, screen and device by default; context and texture on request): a track is an attack \
      when any cue says so, live when a live cue fired and none said attack; a face on a phone, \
      laptop or monitor it sees around the face is an attack. A kiosk with a screen adds a random \
      challenge of turns and a blink (--liveness-policy kiosk), which a replayed video can match only \
      by chance. --liveness-policy off is for testing only.

      The defaults and their figures (how far faces are seen, the threshold's error rates, each \
      liveness cue's APCER and BPCER on every clip) are in the guides: docs/att-take.md, \
      docs/finding-faces.md and docs/liveness.md.

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

  @OptionGroup var take: TakeArguments
  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var imageOptions: ImageOptions
  @OptionGroup var modelOptions: ModelOptions
  @OptionGroup var logOptions: LogOptions

  func run() throws {
    try reportingErrors("att-take", logFormat: logOptions.logFormat) {
      let (mode, delivery) = try openMode()
      defer { delivery.finishReporting(tool: "att-take") }
      // A source that does not exist or cannot be read exits 66 (EX_NOINPUT; reportingErrors maps it).
      let frames = try FrameSource(take.source)
      if take.stills, frames.isLive || { if case .video = frames { true } else { false } }() {
        throw ToolError(
          "--stills is for photos (a folder of images or one image), not a camera, video or stream", exitCode: .usage)
      }
      let options = try take.takeOptions(for: frames, models: modelOptions.modelSet)
      let window =
        try take.preview
        ? PreviewWindow(title: "att-take \(take.source)")
          ?? {
            throw ToolError("--preview needs a display (DISPLAY is not set); on a headless machine use --annotate OUT.avi")
          }() : nil
      // Signals are caught from here on: a stop while the models load ends the run cleanly too.
      let stop = StopSignal()
      let signals = StopOnSignals(stop, notice: "att-take: stopping after the current frame")
      defer { withExtendedLifetime(signals) {} }
      let run: TakeRun
      do {
        run = try TakeRun(models: modelOptions.modelSet, options: options, mode: mode, delivery: delivery)
      } catch let error as CameraHostError {
        throw ToolError(error)
      } catch let error as FaceKitError {
        throw ToolError("\(error)", exitCode: .models)
      }
      run.onDecision = report
      sayStart(run, options: options)

      var pipeline = FramePipeline(source: frames, options: options)
      pipeline.threads = take.threads
      pipeline.imageFrameRate = take.fps
      pipeline.realTime = take.realTime
      pipeline.profile = take.profile ? StageProfile() : nil
      pipeline.openCVThreads = take.opencvThreads
      pipeline.maxFramesPerSecond = take.maxFps
      let summary: TakeSummary
      do {
        summary = try run.run(
          pipeline, models: modelOptions.modelSet, stop: stop,
          status: take.status(deviceID: options.deviceID, liveness: Self.liveness(options)),
          annotate: take.annotate
        ) { frame, annotations in
          if let window, let key = try window.show(frame.image, annotations: annotations), key == 27 || key == 113 { stop.stop() }
        }
      } catch let error as FaceKitError where error.isUnreadableImage(frames) {
        // One image that does not decode is a source that cannot be read, as a video's is (66).
        throw ToolError("\(error)", exitCode: .noInput)
      }
      let folder = if case .folder = frames { true } else { false }
      for line in summary.lines(
        stills: options.stills, liveness: options.liveness.enabled, folder: folder, stopped: stop.isStopped)
      {
        Console.error("att-take: \(line)")
      }
      if let profile = pipeline.profile { sayProfile(profile) }
    }
  }

  /// A camera host (--gallery) holds no database: the gallery comes from att-serve, observations go
  /// through the broker. Otherwise the gallery is the database's, and observations go into it (direct
  /// mode) or through the broker (MQ_URL).
  private func openMode() throws -> (TakeRun.Mode, any MessageDelivery) {
    let settings = try storeOptions.settings()
    let broker = try storeOptions.broker()
    guard let address = take.gallery ?? settings["ATT_GALLERY"] else {
      let (store, media) = try storeOptions.open()
      let delivery = try storeOptions.delivery(store: store, media: media, tool: "att-take")
      return (.database(store, events: broker, statusToDatabase: delivery is DirectDelivery), delivery)
    }
    do {
      let url = try GalleryLink.serverURL(
        address, broker: broker, databaseGiven: storeOptions.database != nil, token: settings["ATT_TOKEN"])
      let cache = GalleryCache(
        path: try take.galleryCache ?? settings["ATT_GALLERY_CACHE"] ?? "\(storeOptions.stateFolder())/gallery-cache.json")
      let link = GalleryLink(
        client: ServerClient(base: url, token: settings["ATT_TOKEN"] ?? ""), cache: cache, model: EmbeddingModel.standard.id,
        broker: broker)
      return (.cameraHost(link), try storeOptions.queueDelivery(broker: broker!, tool: "att-take"))
    } catch let error as CameraHostError {
      throw ToolError(error)
    }
  }
}

extension FaceKitError {
  /// Whether this is the one image of `source` failing to decode (empty, not an image, corrupt,
  /// truncated or over the pixel limit).
  fileprivate func isUnreadableImage(_ source: FrameSource) -> Bool {
    guard case .image = source else { return false }
    switch self {
    case .emptyFile, .unsupportedFormat, .undecodable, .invisible, .truncated, .tooLarge, .fileUnreadable: return true
    default: return false
    }
  }
}
