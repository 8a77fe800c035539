import AttCamera
@testable import AttRecognition
import AttTestSupport
import FaceKit
import FaceVideo
import Foundation
import Testing

@testable import AttendanceKit

/// att-take's first stage on the real clips of ../shared/faces/video: how many faces it finds and
/// follows. The bounds come from `Scripts/bench-video` runs (README, "Finding faces on real
/// footage"), with room for a different CPU's rounding but none for a lost person or a false one.
@Suite("Finding and following faces on real footage", .testThreads)
struct FootageTests {
  static let video = "\(Checkout.shared)/faces/video"

  /// Faces (summed over frames) and distinct tracks att-take's default detector reports on a clip.
  static func follow(_ name: String, options: FollowOptions = TakeOptions(deviceID: "t").follow) throws -> (
    faces: Int, tracks: Set<Int>, frames: Int, widths: [Int]
  ) {
    let detector = try RetinaFaceDetector(modelPath: try Scratch.models.path(of: .retinaFace))
    let source = try VideoSource("\(video)/\(name)")
    let fps = source.framesPerSecond > 0 ? source.framesPerSecond : 25
    let follower = try FaceFollower(detector: detector, options: options.resolved(framesPerSecond: fps))
    var faces = 0, index = 0
    var tracks: Set<Int> = []
    var widths: [Int] = []
    while let image = try source.nextFrame() {
      let sightings = try follower.update(image, index: index, time: Double(index) / fps).sightings
      faces += sightings.count
      tracks.formUnion(sightings.map(\.track))
      widths += sightings.map(\.face.box.width)
      index += 1
    }
    return (faces, tracks, index, widths)
  }

  @Test(
    "walking and group clips: every person is found and followed, within the measured bounds",
    arguments: [
      // clip, faces at least, tracks (people, plus the splits a turn or an occlusion causes)
      ("hikers_walking_ccby2.mp4", 1000, 6...16),  // 6-8 hikers; the seed's loop finds 20 faces
      ("intel_walking_pause_ccby4.gif", 100, 3...4),  // 3 people; the seed's loop finds none
      ("event_group_ccby2.mp4", 330, 5...10),  // 5-6 people, some turned away
      ("marathon_crowd_pd.mkv", 600, 15...40),  // dozens of runners, faces 10-35 px
    ])
  func walking(name: String, minFaces: Int, tracks: ClosedRange<Int>) throws {
    let result = try Self.follow(name)
    #expect(result.faces >= minFaces, "\(name): \(result.faces) faces")
    #expect(tracks.contains(result.tracks.count), "\(name): \(result.tracks.count) tracks")
  }

  @Test(
    "nothing is found on the negative clips: a parking lot, a cup in a hand, pedestrians of 5-13 px",
    arguments: ["negative_cup_opencv.mp4", "negative_parking_ccby4.mp4", "hardneg_pedestrians_vtest.avi"])
  func negatives(name: String) throws {
    let result = try Self.follow(name)
    #expect(result.faces == 0 && result.tracks.isEmpty, "\(name): \(result.faces) faces in \(result.tracks.count) tracks")
  }

  @Test("the same frames give the same tracks: the schedule counts frames, not time")
  func deterministic() throws {
    let a = try Self.follow("intel_walking_pause_ccby4.gif")
    let b = try Self.follow("intel_walking_pause_ccby4.gif")
    #expect(a.faces == b.faces && a.tracks == b.tracks && a.widths == b.widths)
  }

  // Measured: the schedule reports 89% of the faces a search of every frame reports (1,169 of
  // 1,314) at a fifth of the search cost; the rest are new faces waiting up to 4 frames for the
  // next search, and the frames before a track is confirmed.
  @Test("searching every frame finds little more than the schedule: following keeps the faces")
  func followingKeepsUp() throws {
    var everyFrame = TakeOptions(deviceID: "t").follow
    everyFrame.searchEvery = 1
    let scheduled = try Self.follow("hikers_walking_ccby2.mp4")
    let full = try Self.follow("hikers_walking_ccby2.mp4", options: everyFrame)
    #expect(Double(scheduled.faces) >= 0.85 * Double(full.faces), "\(scheduled.faces) against \(full.faces)")
  }

  @Test("small faces are followed but never identified or judged for liveness: the tracks wait, and end undecided with why")
  func smallFacesWait() throws {
    // intel_classroom: four seated people whose faces are 13-23 px.
    let site = try RecognitionSite()
    let (decisions, summary) = try site.take("\(Self.video)/intel_classroom_ccby4.gif", liveness: true)
    #expect(summary.tracks >= 1 && summary.faces > 40)
    #expect(!decisions.isEmpty)
    #expect(
      decisions.allSatisfy {
        $0.attendance == .undecided && $0.person == nil && $0.reason?.hasPrefix("too small to identify: seen on") == true
      }, "\(decisions.map { $0.reason ?? "" })")
    #expect(summary.undecided == ["too small to identify (under --identify-size 40 px)": decisions.count])
  }

  @Test("one thread and two give the same decisions on real footage")
  func threadsOnFootage() throws {
    let one = try RecognitionSite(), two = try RecognitionSite()
    let clip = "\(Self.video)/intel_walking_pause_ccby4.gif"
    let a = try one.take(clip, liveness: true, threads: 1)
    let b = try two.take(clip, liveness: true, threads: 2)
    #expect(a.0 == b.0)
    #expect(a.1.faces == b.1.faces && a.1.tracks == b.1.tracks && a.1.tracks == 3)
  }
}

@Suite("Liveness waits for faces large enough to judge", .testThreads)
struct LivenessSizeTests {
  @Test("a face identified at 44 px (over --identify-size, under the liveness minimum of 48) waits: no cue looks at it")
  func smallFaceWaits() throws {
    let site = try RecognitionSite()
    var options = site.options(liveness: true)
    options.liveness.minFace = 48
    let run = try TakeRun(
      models: Scratch.models, options: options, mode: .database(site.scratch.store, events: nil, statusToDatabase: false),
      delivery: DirectDelivery(handler: site.scratch.handler))
    let photo = try Image(contentsOfFile: "\(RecognitionSite.people)/kit_harington/johnsnow_test1.jpg")
    let detector = try RetinaFaceDetector(modelPath: try Scratch.models.path(of: .retinaFace))
    let face = try #require(try detector.detect(in: photo).first)
    let factor = 44 / Double(face.box.width)
    let small = try photo.resized(width: Int(Double(photo.width) * factor), height: Int(Double(photo.height) * factor))
    let faces = try detector.detect(in: small)
    try #require(faces.count == 1 && (40..<48).contains(faces[0].box.width), "\(faces.map(\.box))")
    var decisions: [TakeDecision] = []
    for index in 0..<40 {
      decisions += try run.handle(
        DetectedFrame(index: index, time: Double(index) / 10, image: small, faces: faces, tracks: [1])
      ).decisions
    }
    decisions += try run.finish()
    #expect(decisions.contains { $0.person == "KIT" }, "identified: \(decisions.map(\.attendance))")
    #expect(!decisions.contains { $0.attendance == .recorded || $0.attendance == .spoof })
    // Nothing was measured: no eye ratio, no motion pair.
    #expect(decisions.allSatisfy { $0.livenessFigures["ear"] == nil && $0.livenessFigures["moving_pairs"] == 0 })
  }
}
