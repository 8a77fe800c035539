import AttEvaluation
import AttTestSupport
import FaceKit
import Foundation
import Testing

@testable import AttRecognition
@testable import AttendanceKit

/// The device cue: the rule that puts a face on a device, the detector on real photos, and no attack
/// vote on the live clips of ../shared that have a monitor in view.
@Suite("The device cue", .testThreads)
struct DeviceCueTests {
  typealias Object = ObjectDetector.Object

  @Test("a face inside a phone is on the phone, held up by a friend or not; a pupil before a monitor, or beside a phone, is not")
  func rule() {
    let face = FaceBox(left: 100, top: 100, right: 140, bottom: 150)
    let phone = Object(kind: .phone, box: FaceBox(left: 80, top: 60, right: 170, bottom: 230), score: 0.8)
    let shownPerson = Object(kind: .person, box: FaceBox(left: 85, top: 90, right: 165, bottom: 228), score: 0.9)
    #expect(DeviceCue.device(holding: face, among: [phone], minScore: 0.3) == .phone, "no person seen: the device holds the face")
    #expect(DeviceCue.device(holding: face, among: [phone, shownPerson], minScore: 0.3) == .phone)
    // The same face before a monitor, with a body that reaches below it: a live pupil.
    let monitor = Object(kind: .monitor, box: FaceBox(left: 40, top: 40, right: 260, bottom: 200), score: 0.9)
    let pupil = Object(kind: .person, box: FaceBox(left: 60, top: 90, right: 200, bottom: 400), score: 0.95)
    #expect(DeviceCue.device(holding: face, among: [monitor, pupil], minScore: 0.3) == nil)
    // A friend holding the phone up before his own body: his box reaches out of the phone, but it is
    // twelve widths of the face on the phone, not that face's own person.
    let holder = Object(kind: .person, box: FaceBox(left: -120, top: 30, right: 380, bottom: 480), score: 0.9)
    #expect(DeviceCue.device(holding: face, among: [phone, shownPerson, holder], minScore: 0.3) == .phone)
    #expect(!DeviceCue.ownPerson(holder, of: face) && DeviceCue.ownPerson(pupil, of: face))
    // A phone held beside the face does not hold it; a weak device is ignored.
    let beside = Object(kind: .phone, box: FaceBox(left: 150, top: 90, right: 200, bottom: 180), score: 0.9)
    #expect(DeviceCue.device(holding: face, among: [beside, pupil], minScore: 0.3) == nil)
    #expect(DeviceCue.device(holding: face, among: [Object(kind: .phone, box: phone.box, score: 0.2)], minScore: 0.3) == nil)

    // The vote: two looks on a device, at least half of the looks; no live verdict before two looks.
    var cue = DeviceCue(options: LivenessOptions())
    #expect(cue.isPending && cue.vote(at: 0) == nil)
    cue.observe(objects: [phone, shownPerson], face: face, at: 0)
    #expect(cue.isPending && cue.vote(at: 0) == nil, "one look is not enough for a final vote")
    #expect(!cue.due(at: 0.1) && cue.due(at: 0.3), "a look every 0.3 s")
    cue.observe(objects: [phone, shownPerson], face: face, at: 0.3)
    #expect(!cue.isPending && cue.vote(at: 0.3) == false)
    var live = DeviceCue(options: LivenessOptions())
    for k in 0..<4 { live.observe(objects: [monitor, pupil], face: face, at: Double(k) * 0.3) }
    #expect(!live.isPending && live.vote(at: 1) == nil)
    // One sighting short of a vote holds the live verdict for three more looks, then lets it go.
    var once = DeviceCue(options: LivenessOptions())
    once.observe(objects: [phone, shownPerson], face: face, at: 0)
    for k in 1..<4 {
      once.observe(objects: [monitor, pupil], face: face, at: Double(k) * 0.3)
      #expect(once.isPending && once.vote(at: Double(k) * 0.3) == nil, "look \(k + 1): one sighting in \(k + 1) looks")
    }
    once.observe(objects: [monitor, pupil], face: face, at: 1.2)
    #expect(!once.isPending && once.vote(at: 1.2) == nil, "five looks, two and three for the sighting: delayed, never refused")
    // The region: seven face widths, the body below, inside the frame.
    let region = DeviceCue.region(around: face, width: 640, height: 480)
    #expect(region.width == 280 && region.height == 280 && region.top >= 0 && region.bottom <= 480)
    #expect(DeviceCue.region(around: FaceBox(left: 0, top: 0, right: 200, bottom: 200), width: 320, height: 240).width == 320)
  }

  @Test(
    "every real photo of people in ../shared (285 photos, 328 faces of 48 px and more): no face on a device; the people of group photos are found"
  )
  func realPhotos() throws {
    let detector = try ObjectDetector(models: Scratch.models)
    let faces = try RetinaFaceDetector(modelPath: try Scratch.models.path(of: .retinaFace))
    for name in ["bbt1.jpg", "2008_001322.jpg"] {
      let photo = try Image(contentsOfFile: "\(Scratch.shared)/faces/groups/\(name)")
      let found = try detector.detect(in: photo, region: FaceBox(left: 0, top: 0, right: photo.width, bottom: photo.height))
      #expect(found.contains { $0.kind == .person && $0.score > 0.5 }, "\(name): \(found)")
    }
    // Live people, photographed: each face's region looked at as att-take looks at it.
    var photos = 0, counted = 0
    var onDevice: [String] = [], near = 0
    for sub in ["people", "groups", "unknown", "liveness/live", "liveness/nuaa_live"] {
      let folder = "\(Scratch.shared)/faces/\(sub)"
      let files = try FileManager.default.subpathsOfDirectory(atPath: folder).filter {
        ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased())
      }
      for file in files.sorted() {
        let photo = try Image(contentsOfFile: "\(folder)/\(file)")
        photos += 1
        for face in try faces.detect(in: photo) where face.box.width >= LivenessOptions().minFace {
          counted += 1
          let region = DeviceCue.region(around: face.box, width: photo.width, height: photo.height)
          let found = try detector.detect(in: photo, region: region)
          if found.contains(where: { $0.kind.isDevice && $0.score >= LivenessOptions().deviceScore }) { near += 1 }
          if let kind = DeviceCue.device(holding: face.box, among: found, minScore: LivenessOptions().deviceScore) {
            onDevice.append("\(sub)/\(file) \(face.box): \(kind) in \(found)")
          }
        }
      }
    }
    print(
      "the device cue on real photos of people: \(photos) photos, \(counted) faces, a device around \(near), on one \(onDevice.count)"
    )
    #expect(photos >= 280 && counted >= 300, "\(photos) photos, \(counted) faces")
    #expect(onDevice.isEmpty, "\(onDevice)")
    #expect(throws: FaceKitError.self) { try ObjectDetector(configPath: "/nonexistent.cfg", weightsPath: "/nonexistent.weights") }
  }

  @Test("the live office clips (a monitor in view) and the blink clip: no device vote, no attack, every person live within 3 s")
  func liveOffice() throws {
    let folder = try Checkout.scratchFolder("device-live")
    try FileManager.default.createDirectory(atPath: "\(folder)/live", withIntermediateDirectories: true)
    for clip in ["live_office_walk_ccby4.mkv", "live_office_sister_ccby4.mkv", "blink_single_face_mit.mp4"] {
      try FileManager.default.createSymbolicLink(
        atPath: "\(folder)/live/\(clip)", withDestinationPath: "\(Scratch.shared)/faces/video/\(clip)")
    }
    // A still photo dropped among the recordings is named as skipped, not scored.
    try FileManager.default.copyItem(
      atPath: "\(Scratch.shared)/faces/liveness/live/image_T1.jpg", toPath: "\(folder)/live/still.jpg")
    var skipped: [String] = []
    let presentations = try RealRecordings.presentations(in: folder, skipped: { skipped.append($0) })
    #expect(presentations.map(\.kind) == [.live, .live, .live])
    #expect(skipped.count == 1 && skipped[0].contains("\(folder)/live/still.jpg: not a video"), "\(skipped)")
    #expect(skipped.first?.contains("record the person in front of the camera") == true, "live/ asks for a live recording")
    let evaluation = try LivenessVideoEvaluation(models: Scratch.models, base: LivenessOptions())
    let defaults = try #require(evaluation.settings.last?.name)
    for presentation in presentations {
      let outcome = try evaluation.run(presentation)
      let long = outcome.tracks.filter { $0.seconds >= 0.9 }
      #expect(!long.isEmpty, "\(presentation.name)")
      for track in long {
        #expect(track.figures["device_on"] == 0, "\(presentation.name) track \(track.track): \(track.figures)")
        #expect(track.figures["frame_held"] == 0, "\(presentation.name) track \(track.track): \(track.figures)")
        #expect(track.verdicts[defaults]?.spoof == false, "\(presentation.name): \(track.verdicts)")
        #expect((track.verdicts[defaults]?.liveAfter ?? .infinity) <= 3, "\(presentation.name): \(track.verdicts)")
      }
    }
  }

  @Test(
    "a tablet held in a hand (the real photo of one, moved as a hand does): its edges stay with the face and it is voted an attack"
  )
  func heldTabletEdges() throws {
    let folder = try Checkout.scratchFolder("device-held")
    try FileManager.default.createDirectory(atPath: "\(folder)/replay", withIntermediateDirectories: true)
    let video = "\(folder)/replay/tablet.avi"
    try TestVideo.make(
      video, shots: [.handHeld("\(Scratch.shared)/faces/liveness/spoof_screen/image_F2.jpg", frames: 90, seed: 1)])
    var options = LivenessOptions()
    options.cues = [.blink, .motion, .device]
    let evaluation = try LivenessVideoEvaluation(models: Scratch.models, base: options)
    let defaults = try #require(evaluation.settings.last?.name)
    let presentation = try #require(RealRecordings.presentations(in: folder).first)
    #expect(presentation.name == "replay/tablet.avi" && presentation.attackType == "screen replay", "\(presentation)")
    let outcome = try evaluation.run(presentation)
    let track = try #require(outcome.tracks.max { $0.seconds < $1.seconds })
    #expect((track.figures["frame_held"] ?? 0) >= 2, "\(track.figures)")
    #expect(track.verdicts[defaults]?.spoof == true, "\(track.verdicts)")
    #expect(track.verdicts["blink+motion"]?.spoof == false, "without the device cue the held tablet is not refused")
  }

  @Test(
    "a folder of real recordings: a sub-folder that is not a label, no recording at all, or one outside the labels is named; recordings sorted into folders of their own count"
  )
  func layout() throws {
    let folder = try Checkout.scratchFolder("real-layout")
    #expect(throws: RealRecordings.LayoutError.self) { try RealRecordings.presentations(in: folder) }
    try FileManager.default.createDirectory(atPath: "\(folder)/replays", withIntermediateDirectories: true)
    let error = #expect(throws: RealRecordings.LayoutError.self) { try RealRecordings.presentations(in: folder) }
    #expect(error?.description.contains("\(folder)/replays: not a label") == true, "\(String(describing: error))")
    #expect(throws: RealRecordings.LayoutError.self) { try RealRecordings.presentations(in: "\(folder)/missing") }
    // A recording in the folder itself, with no label, is named.
    try FileManager.default.removeItem(atPath: "\(folder)/replays")
    _ = FileManager.default.createFile(atPath: "\(folder)/pupil.mp4", contents: Data())
    let unlabelled = #expect(throws: RealRecordings.LayoutError.self) { try RealRecordings.presentations(in: folder) }
    #expect(
      unlabelled?.description.contains("pupil.mp4 is in the folder itself: move each into the sub-folder of its label") == true,
      "\(String(describing: unlabelled))")
    try FileManager.default.removeItem(atPath: "\(folder)/pupil.mp4")
    // A site that sorts its replays by device (replay/phone/, replay/tablet/) keeps them all.
    for path in ["replay/phone/a.mp4", "replay/tablet/b.mp4", "replay/c.mp4", "live/day1/d.mkv"] {
      try FileManager.default.createDirectory(
        atPath: "\(folder)/\((path as NSString).deletingLastPathComponent)", withIntermediateDirectories: true)
      _ = FileManager.default.createFile(atPath: "\(folder)/\(path)", contents: Data())
    }
    let sorted = try RealRecordings.presentations(in: folder)
    #expect(sorted.map(\.name) == ["live/day1/d.mkv", "replay/c.mp4", "replay/phone/a.mp4", "replay/tablet/b.mp4"])
    #expect(sorted.filter { $0.attackType == "screen replay" }.count == 3)
  }
}
