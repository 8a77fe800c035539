import AttEvaluation
import AttFrames
import AttTestSupport
import FaceKit
import FaceVideo
import Foundation
import Testing

@Suite("Test videos are written whole or not at all", .testThreads)
struct StillsVideoTests {
  static let photo = "\(Checkout.shared)/faces/people/lin_manuel_miranda/lin-manuel-miranda.png"

  func frames(_ path: String) throws -> Int {
    let video = try VideoSource(path)
    while try video.nextFrame() != nil {}
    return video.framesRead
  }

  @Test("a photo that does not decode leaves the video as it was and no partial file beside it")
  func unreadablePhoto() throws {
    let folder = try Checkout.scratchFolder("stills-video")
    let path = "\(folder)/held.avi"
    try StillsVideo.make(path, shots: [.still(Self.photo, frames: 6)])
    #expect(try frames(path) == 6)
    let bad = "\(Checkout.shared)/bad-inputs/truncated_half.jpg"
    #expect(throws: FaceKitError.self) {
      try StillsVideo.make(path, shots: [.still(Self.photo, frames: 9), .still(bad, frames: 3)])
    }
    #expect(try frames(path) == 6, "the earlier video is untouched")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["held.avi"], "no partial file is left")
    // A first attempt that fails leaves nothing at all.
    #expect(throws: FaceKitError.self) { try StillsVideo.make("\(folder)/new.avi", shots: [.still(bad, frames: 3)]) }
    #expect(!FileManager.default.fileExists(atPath: "\(folder)/new.avi"))
  }

  @Test("sample-video refuses an OUT that is not an .avi: a photo named first by mistake is not overwritten")
  func sampleVideoOutput() throws {
    let folder = try Checkout.scratchFolder("stills-video")
    let copy = "\(folder)/photo.png"
    try FileManager.default.copyItem(atPath: Self.photo, toPath: copy)
    let before = try Data(contentsOf: URL(fileURLWithPath: copy))
    let run = try ToolRun.run("sample-video", [copy, Self.photo], in: folder)
    #expect(run.status == 64 && run.stderr.contains("must end in .avi"), "\(run.stderr)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
    let help = try ToolRun.run("sample-video", ["--help"], in: folder)
    #expect(help.status == 0 && help.stdout.contains("written whole or not at all"), "\(help.stdout)")
  }

  @Test("a video into a folder that is not there says so, naming the file asked for")
  func missingFolder() throws {
    let folder = try Checkout.scratchFolder("stills-video")
    let path = "\(folder)/none/held.avi"
    let error = #expect(throws: FaceKitError.self) { try StillsVideo.make(path, shots: [.still(Self.photo, frames: 2)]) }
    #expect(error == .fileUnwritable(path: path, reason: "there is no folder \(folder)/none"))
    #expect(error?.description == "\(path): cannot write: there is no folder \(folder)/none")
  }
}

@Suite("A video's declared frame rate", .testThreads)
struct DeclaredRateTests {
  @Test(
    "a file that declares a rate no camera records (its timestamps' clock, as a browser's WebM does) is read as of unknown rate, and att-take still finds the face"
  )
  func clockRate() throws {
    let folder = try Checkout.scratchFolder("declared-rate")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let clock = "\(folder)/clock.avi", camera = "\(folder)/camera.avi"
    // Nobody, then a person comes into view.
    try StillsVideo.make(clock, shots: [.empty(frames: 20), .still(StillsVideoTests.photo, frames: 40)], fps: 1000)
    try StillsVideo.make(camera, shots: [.still(StillsVideoTests.photo, frames: 40)], fps: 30)
    let clockReader = try FrameSource(clock).open(), cameraReader = try FrameSource(camera).open()
    #expect(clockReader.framesPerSecond == nil && clockReader.declaredRateUnlikely == 1000)
    #expect(cameraReader.framesPerSecond == 30 && cameraReader.declaredRateUnlikely == nil)
    // At 1000 frames/s faces would be searched for once in 167 frames: only on the first, empty one.
    let run = try ToolRun.run("att-take", ["--source", clock, "--liveness", "off"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("declares 1000 frames/s, more than any camera records"), "\(run.stderr)")
    #expect(run.stderr.contains("60 frames in") && run.stderr.contains(" 1 tracks"), "\(run.stderr)")
  }
}
