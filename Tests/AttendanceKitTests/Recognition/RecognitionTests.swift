import AttCamera
import AttFrames
import AttTestSupport
import FaceKit
import FaceVideo
import Foundation
import Testing

@testable import AttRecognition
@testable import AttendanceKit

/// A scratch store with three people enrolled from some of their photos; the other photos are probes.
struct RecognitionSite {
  let scratch: Scratch
  static let people = "\(Checkout.shared)/faces/people"
  static let unknown = "\(Checkout.shared)/faces/unknown"

  init() throws {
    scratch = try Scratch()
    let enrol = [
      ("KIT", "Kit Harington", ["kit_harington/john1.jpeg", "kit_harington/john2.jpeg"]),
      ("ALEX", "Alex Lacamoire", ["alex_lacamoire/alex-lacamoire.png", "alex_lacamoire/img1.jpg"]),
      ("JOE", "Joe Biden", ["joe_biden/biden.jpg"]),
    ]
    for (id, name, files) in enrol {
      // Register messages carry JPEG: the PNG photo is re-encoded, as att-register does with its crops.
      let faces = try files.map { FaceCrop(jpeg: try Image(contentsOfFile: "\(Self.people)/\($0)").jpegData()) }
      let result = try scratch.handler.apply(
        .register(
          RegisterMessage(personID: id, name: name, faces: faces, source: "test", capturedAt: "2026-11-25T08:00:00+00:00")))
      guard case .applied = result.outcome else { throw Failure(text: "enrol \(id): \(result.outcome)") }
    }
    _ = try scratch.update().run()
  }

  struct Failure: Error { let text: String }

  func options(liveness: Bool) -> TakeOptions {
    RecognitionSiteOptions.make(liveness: liveness)
  }

  /// Runs the whole pipeline over a video; returns every decision and the summary.
  func take(_ video: String, liveness: Bool, threads: Int = 2) throws -> ([TakeDecision], TakeSummary) {
    let options = options(liveness: liveness)
    let run = try TakeRun(
      models: Scratch.models, options: options, mode: .database(scratch.store, events: nil, statusToDatabase: false),
      delivery: DirectDelivery(handler: scratch.handler))
    var pipeline = FramePipeline(source: try FrameSource(video), options: options)
    pipeline.threads = threads
    var decisions: [TakeDecision] = []
    run.onDecision = { decisions.append($0) }
    let summary = try run.run(pipeline, models: Scratch.models, stop: StopSignal(), status: nil, annotate: nil)
    return (decisions, summary)
  }

  func video(_ name: String, _ shots: [TestVideo.Shot]) throws -> String {
    let path = "\(scratch.folder)/\(name).avi"
    try TestVideo.make(path, shots: shots)
    return path
  }
}

/// The options the recognition tests run with: the defaults, with one upsample for small test faces.
enum RecognitionSiteOptions {
  static func make(liveness: Bool = false) -> TakeOptions {
    var options = TakeOptions(deviceID: "test-cam")
    options.liveness.enabled = liveness
    options.upsample = 1
    options.galleryPoll = .infinity
    return options
  }
}

@Suite("att-take's recognition: matching, tracking, liveness and the pipeline", .testThreads)
struct RecognitionTests {
  @Test("enrolled people are recognised with the right id, strangers are not, and each person is recorded once")
  func recognisesOnVideo() throws {
    let site = try RecognitionSite()
    let p = RecognitionSite.people, u = RecognitionSite.unknown
    // Each face is shown for 1.4 s at 10 frames/s: a new track needs 3 frames to be confirmed (unless
    // the detector is sure), then 5 descriptors 0.2 s apart to be called unknown.
    let video = try site.video(
      "people",
      [
        .still("\(p)/kit_harington/johnsnow_test1.jpg", frames: 14), .empty(frames: 15),
        .still("\(p)/alex_lacamoire/alex_lacamoire1.jpg", frames: 14), .empty(frames: 15),
        .still("\(u)/grace_hopper.jpg", frames: 14), .empty(frames: 15),
        .still("\(p)/joe_biden/biden2.jpg", frames: 14), .empty(frames: 15),
        .still("\(u)/faceapi_expr_neutral.jpg", frames: 14), .empty(frames: 15),
        .still("\(p)/kit_harington/johnsnow_test1.jpg", frames: 12),
      ])
    let (decisions, summary) = try site.take(video, liveness: false)
    #expect(summary.recorded == ["KIT", "ALEX", "JOE"])
    #expect(summary.duplicates == ["KIT"])
    #expect(summary.unknownTracks == 2)
    #expect(decisions.filter { $0.attendance == .unknown }.allSatisfy { $0.person == nil })
    // Each says why: too far from every stored face, or too close to two people to tell apart.
    #expect(
      decisions.filter { $0.attendance == .unknown }.allSatisfy {
        $0.reason?.contains("over --threshold 0.50") == true || $0.reason?.contains("too close to tell apart") == true
      }, "\(decisions)")
    #expect(try site.scratch.count("SELECT count(*) FROM attendance") == 3)
    #expect(try site.scratch.count("SELECT duplicates FROM attendance WHERE person_id = 'KIT'") == 1)
    #expect(try site.scratch.count("SELECT count(*) FROM unknown_faces") == 2)
  }

  @Test(
    "with snapshots, a marked person's crop and an unknown face's are written (0600), and the unknown crop the server keeps is the same bytes"
  )
  func snapshotsWritten() throws {
    let site = try RecognitionSite()
    let p = RecognitionSite.people, u = RecognitionSite.unknown
    let video = try site.video(
      "snap",
      [
        .still("\(p)/kit_harington/johnsnow_test1.jpg", frames: 14), .empty(frames: 15),
        .still("\(u)/grace_hopper.jpg", frames: 14),
      ])
    var options = RecognitionSiteOptions.make()
    options.snapshots = "\(site.scratch.folder)/snapshots"
    let run = try TakeRun(
      models: Scratch.models, options: options, mode: .database(site.scratch.store, events: nil, statusToDatabase: false),
      delivery: DirectDelivery(handler: site.scratch.handler))
    let summary = try run.run(
      FramePipeline(source: try FrameSource(video), options: options), models: Scratch.models, stop: StopSignal(), status: nil,
      annotate: nil)
    #expect(summary.recorded == ["KIT"] && summary.unknownTracks == 1)
    let files = try FileManager.default.contentsOfDirectory(atPath: options.snapshots!).sorted()
    #expect(files.count == 2 && files[0].hasPrefix("KIT-") && files[1].hasPrefix("unknown-"), "\(files)")
    for file in files {
      let mode = try FileManager.default.attributesOfItem(atPath: "\(options.snapshots!)/\(file)")[.posixPermissions] as? Int
      #expect(mode == 0o600, "\(file): \(String(mode ?? 0, radix: 8))")
    }
    let unknown = try #require(try site.scratch.store.unknownFaces(limit: 10, before: nil).first)
    let kept = try Data(contentsOf: URL(fileURLWithPath: site.scratch.media.fullPath(try #require(unknown.mediaPath))))
    #expect(kept == (try Data(contentsOf: URL(fileURLWithPath: "\(options.snapshots!)/\(files[1])"))))
  }

  @Test("one thread and two give the same decisions")
  func threadsAgree() throws {
    let p = RecognitionSite.people
    let shots: [TestVideo.Shot] = [
      .still("\(p)/kit_harington/johnsnow_test1.jpg", frames: 10), .empty(frames: 12),
      .moved("\(p)/joe_biden/biden2.jpg", frames: 20),
    ]
    let one = try RecognitionSite(), two = try RecognitionSite()
    let a = try one.take(try one.video("v", shots), liveness: false, threads: 1).0
    let b = try two.take(try two.video("v", shots), liveness: false, threads: 2).0
    #expect(!a.isEmpty)
    #expect(a == b)
  }

  @Test("a photo held still for 10 seconds is never marked while liveness is on; it waits for a blink or movement")
  func stillPhotoNotMarked() throws {
    let site = try RecognitionSite()
    let video = try site.video("still", [.still("\(RecognitionSite.people)/kit_harington/johnsnow_test1.jpg", frames: 100)])
    let (decisions, summary) = try site.take(video, liveness: true)
    #expect(summary.recorded.isEmpty)
    #expect(decisions.map(\.attendance) == [.waitingForLiveness, .notMarked])
    #expect(decisions.first?.person == "KIT")
    #expect(try site.scratch.count("SELECT count(*) FROM attendance") == 0)
  }

  @Test("a photo moved in front of the camera moves as one plane: never marked, and the reason says its motion is flat")
  func movedPhotoIsFlat() throws {
    let site = try RecognitionSite()
    let video = try site.video("moved", [.moved("\(RecognitionSite.people)/kit_harington/johnsnow_test1.jpg", frames: 40)])
    let (decisions, summary) = try site.take(video, liveness: true)
    #expect(summary.recorded.isEmpty)
    let kit = decisions.filter { $0.person == "KIT" }
    #expect(!kit.isEmpty && kit.allSatisfy { $0.attendance != .recorded }, "\(decisions)")
    // Flat motion is doubt, not an attack vote (a live face that barely turns can be as flat): the
    // photo is never live, and the line at its track's end says why.
    #expect(kit.contains { $0.attendance == .notMarked && $0.reason?.contains("its motion stayed flat") == true }, "\(kit)")
  }

  @Test(
    "a hand-held photo and one turned in depth are recognised and never marked; those refused say why (held edges), those unmarked why not"
  )
  func handHeldPhotoIsSpoof() throws {
    let site = try RecognitionSite()
    let photo = "\(RecognitionSite.people)/kit_harington/johnsnow_test1.jpg"
    let video = try site.video(
      "hand", [.handHeld(photo, frames: 60, seed: 11), .empty(frames: 20), .turned(photo, frames: 60)])
    let (decisions, summary) = try site.take(video, liveness: true)
    #expect(summary.recorded.isEmpty, "\(decisions)")
    let kit = decisions.filter { $0.person == "KIT" }
    #expect(!kit.isEmpty, "the photos are recognised")
    // Each track ends as an attack or not yet live: never marked. (Flat motion, under 0.55% of the eye
    // distance, holds a blink back and is not an attack; the photo's edges, held around the face as
    // it moves, are the device cue's attack.)
    #expect(kit.allSatisfy { [.spoof, .waitingForLiveness, .notMarked].contains($0.attendance) }, "\(kit)")
    #expect(
      kit.filter { $0.attendance == .spoof }.allSatisfy {
        $0.reason?.contains("a phone, screen or held picture around the face") == true
      }, "\(kit)")
    // A track's last line says why it was not marked: the attack, once (its line is final), or that it
    // never looked live.
    #expect(
      kit.filter { $0.attendance == .notMarked }.allSatisfy {
        $0.liveness != .spoof && $0.reason?.hasPrefix("the track ended before liveness") == true
      }, "\(kit)")
    let refused = kit.filter { $0.attendance == .spoof }.map(\.track)
    #expect(Set(refused).count == refused.count, "\(kit)")
    #expect(try site.scratch.count("SELECT count(*) FROM attendance") == 0)
  }

  @Test("a blink is the same blink at 10 and at 30 frames per second; a long closure is not one")
  func blinkTiming() throws {
    let engine = try FaceEngine(models: Scratch.models)
    let image = try Image(contentsOfFile: "\(RecognitionSite.people)/kit_harington/john1.jpeg")
    let face = try #require(try engine.detectFaces(in: image).first)
    let open = try LandmarkPredictor(modelPath: try Scratch.models.path(of: .landmarks68)).landmarks(of: face, in: image).points
    // The same face with both eyelids brought together: eye points 37, 38, 40, 41 (and 43, 44, 46, 47) to the eye's middle line.
    var closed = open
    for eye in [36, 42] {
      let midY = (open[eye].y + open[eye + 3].y) / 2
      for i in [1, 2, 4, 5] { closed[eye + i].y = midY + (open[eye + i].y - midY) * 0.15 }
    }
    func blinks(fps: Double, closedFor seconds: Double) -> Int {
      var liveness = TrackLiveness(options: LivenessOptions())
      var t = 0.0
      while t < 1 { liveness.observe(open, at: t); t += 1 / fps }
      let end = t + seconds
      while t < end { liveness.observe(closed, at: t); t += 1 / fps }
      while t < end + 1 { liveness.observe(open, at: t); t += 1 / fps }
      return liveness.blinks.count
    }
    #expect(blinks(fps: 10, closedFor: 0.2) == 1)
    #expect(blinks(fps: 30, closedFor: 0.2) == 1)
    #expect(blinks(fps: 30, closedFor: 2.0) == 0)
  }

  @Test("the index finds the same nearest face as a brute-force search, and the runner-up of another person")
  func indexMatchesBruteForce() throws {
    var generator = SystemRandomNumberGenerator()
    let descriptors = try (0..<500).map { _ in
      try FaceDescriptor((0..<128).map { _ in Float.random(in: -0.2...0.2, using: &generator) })
    }
    let owners = (0..<500).map { Int32($0 % 37) }
    let index = try DescriptorIndex(descriptors: descriptors, owners: owners)
    let probe = descriptors[123]
    let nearest = try #require(index.nearest(to: probe))
    #expect(nearest.entry == 123 && nearest.distance == 0)
    let other = descriptors.indices.filter { owners[$0] != owners[123] }.min {
      descriptors[$0].distance(to: probe) < descriptors[$1].distance(to: probe)
    }
    #expect(nearest.runnerUpEntry == other)
    #expect(abs(nearest.runnerUpDistance - descriptors[other!].distance(to: probe)) < 1e-5)
  }

  @Test("the gallery is reloaded when someone is enrolled while frames are being processed")
  func galleryReload() throws {
    let scratch = try Scratch()
    var options = RecognitionSiteOptions.make()
    options.galleryPoll = 0
    let run = try TakeRun(
      models: Scratch.models, options: options, mode: .database(scratch.store, events: nil, statusToDatabase: false),
      delivery: DirectDelivery(handler: scratch.handler))
    let image = try Image(contentsOfFile: "\(RecognitionSite.people)/kit_harington/johnsnow_test1.jpg")
    let faces = try FaceEngine.detectFaces(in: image, with: try HOGFaceDetector(upsample: 1), maxDetectionSide: 640)
    var decisions: [TakeDecision] = []
    for index in 0..<12 {
      if index == 3 {
        // Someone enrols Kit meanwhile, as att-register in another terminal would.
        let faces = try ["john1.jpeg", "john2.jpeg"].map {
          FaceCrop(jpeg: try Data(contentsOf: URL(fileURLWithPath: "\(RecognitionSite.people)/kit_harington/\($0)")))
        }
        _ = try scratch.handler.apply(
          .register(
            RegisterMessage(personID: "KIT", name: "Kit", faces: faces, source: "test", capturedAt: "2026-11-25T08:00:00+00:00")))
        _ = try scratch.update().run()
      }
      decisions += try run.handle(
        DetectedFrame(index: index, time: Double(index) / 10, image: image, faces: faces, tracks: faces.indices.map { $0 + 1 })
      ).decisions
    }
    #expect(run.summary.galleryReloads == 1)
    #expect(run.meter.galleryPeople == 1)
    #expect(decisions.contains { $0.attendance == .recorded && $0.person == "KIT" })
  }
}
