import AttCamera
import AttTestSupport
import FaceKit
import FaceVideo
import Foundation
import Testing

@testable import AttRecognition
@testable import AttendanceKit

/// The follower keeps a track through a short gap (up to a second), so a face that steps into the
/// place of another keeps its track: the next pupil at a turnstile, or a live face swapped in for a
/// photo held up. The session checks a settled track's identity again.
@Suite("A track's identity is checked again: the next person in the same place is not the last", .testThreads)
struct TrackIdentityTests {
  /// Each photo's faces (RetinaFace), all given track 1, at 10 frames/s from `start`.
  func frames(_ photo: String, count: Int, from start: Int) throws -> [DetectedFrame] {
    let image = try Image(contentsOfFile: photo)
    let detector = try RetinaFaceDetector(modelPath: try Scratch.models.path(of: .retinaFace))
    let faces = try detector.detect(in: image)
    try #require(faces.count == 1, "\(photo): \(faces.count) faces")
    return (start..<(start + count)).map {
      DetectedFrame(index: $0, time: Double($0) / 10, image: image, faces: faces, tracks: [1])
    }
  }

  func run(_ site: RecognitionSite, liveness: Bool, _ frames: [DetectedFrame]) throws -> [TakeDecision] {
    let run = try TakeRun(
      models: Scratch.models, options: site.options(liveness: liveness),
      mode: .database(site.scratch.store, events: nil, statusToDatabase: false),
      delivery: DirectDelivery(handler: site.scratch.handler))
    var decisions: [TakeDecision] = []
    for frame in frames { decisions += try run.handle(frame).decisions }
    return decisions + (try run.finish())
  }

  @Test("the next pupil at a turnstile, on the track the last one left half a second before, is recognised and marked")
  func nextInQueue() throws {
    let site = try RecognitionSite()
    let p = RecognitionSite.people
    // Kit, then nobody for 0.5 s (the track survives), then Alex where Kit was.
    let kit = try frames("\(p)/kit_harington/johnsnow_test1.jpg", count: 20, from: 0)
    let alex = try frames("\(p)/alex_lacamoire/alex_lacamoire1.jpg", count: 20, from: 25)
    let decisions = try run(site, liveness: false, kit + alex)
    let recorded = decisions.filter { $0.attendance == .recorded }.map { $0.person ?? "?" }
    #expect(recorded == ["KIT", "ALEX"], "\(decisions.map { "\($0.time) \($0.person ?? "-") \($0.attendance)" })")
    #expect(try site.scratch.count("SELECT count(*) FROM attendance") == 2)
  }

  @Test(
    "a live face swapped in for a photo on the same track is not marked as the photo's person: it is someone else, and their own track"
  )
  func swappedFace() throws {
    let site = try RecognitionSite()
    // Joe Biden's photo held still (recognised, never live), then straight away the Hamilton clip's
    // live performer (enrolled nowhere here) on the same track: his motion must not mark Joe.
    var frames = try frames("\(RecognitionSite.people)/joe_biden/biden2.jpg", count: 20, from: 0)
    let clip = try VideoSource("\(Checkout.shared)/faces/video/short_hamilton_clip.mp4")
    let detector = try RetinaFaceDetector(modelPath: try Scratch.models.path(of: .retinaFace))
    var index = 20
    while let image = try clip.nextFrame(), index < 200 {
      // The performer is the largest face.
      if let face = try detector.detect(in: image).max(by: { $0.box.width < $1.box.width }), face.box.width >= 80 {
        frames.append(DetectedFrame(index: index, time: Double(index) / 30 + 1.4, image: image, faces: [face], tracks: [1]))
        index += 1
      }
    }
    try #require(frames.count > 100, "the performer in view")
    let decisions = try run(site, liveness: true, frames)
    #expect(!decisions.contains { $0.attendance == .recorded }, "\(decisions.map { "\($0.person ?? "-") \($0.attendance)" })")
    #expect(try site.scratch.count("SELECT count(*) FROM attendance") == 0)
    // Joe's track ends unmarked once the face on it is found to be someone else; the newcomer,
    // on a track of their own, is nobody enrolled.
    let joe = try #require(
      decisions.first { $0.person == "JOE" && $0.attendance == .notMarked },
      "\(decisions.map { "\($0.time) \($0.track) \($0.person ?? "-") \($0.attendance) \($0.reason ?? "")" })")
    #expect(decisions.contains { $0.attendance == .unknown && $0.time >= joe.time }, "\(decisions.map(\.attendance))")
  }

  @Test(
    "a live stranger first, then a photo held up in their place on the same track: the photo's person is not marked by the stranger's liveness"
  )
  func liveThenPhoto() throws {
    let site = try RecognitionSite()
    // The Hamilton clip's live performer (enrolled nowhere here) for 1.5 s: live, not identified;
    // then, on the same track, Joe Biden's photo held still, which is recognised.
    let clip = try VideoSource("\(Checkout.shared)/faces/video/short_hamilton_clip.mp4")
    let detector = try RetinaFaceDetector(modelPath: try Scratch.models.path(of: .retinaFace))
    var frames: [DetectedFrame] = []
    while let image = try clip.nextFrame(), frames.count < 45 {
      if let face = try detector.detect(in: image).max(by: { $0.box.width < $1.box.width }), face.box.width >= 80 {
        frames.append(
          DetectedFrame(index: frames.count, time: Double(frames.count) / 30, image: image, faces: [face], tracks: [1]))
      }
    }
    try #require(frames.count == 45, "the performer in view")
    frames += try self.frames("\(RecognitionSite.people)/joe_biden/biden2.jpg", count: 60, from: 16).map {
      DetectedFrame(index: $0.index + 29, time: $0.time, image: $0.image, faces: $0.faces, tracks: [1])
    }
    let decisions = try run(site, liveness: true, frames)
    let lines = decisions.map { "\($0.time) \($0.person ?? "-") \($0.attendance) \($0.reason ?? "")" }
    #expect(decisions.contains { $0.person == "JOE" }, "the photo is recognised: \(lines)")
    #expect(!decisions.contains { $0.attendance == .recorded }, "\(lines)")
    #expect(try site.scratch.count("SELECT count(*) FROM attendance") == 0)
  }
}
