import AttTestSupport
import FaceKit
import FaceVideo
import AttFrames
import Foundation
import Testing

@testable import AttModel
@testable import AttendanceKit

@Suite("Enrolment: quality gate, sampling from photos and video, folder layouts", .testThreads)
struct EnrolmentTests {
  /// A new engine per test: engines are not thread-safe and the tests run in parallel.
  static func engine() throws -> FaceEngine {
    try FaceEngine(models: Scratch.models, options: FaceEngineOptions(upsample: 1))
  }

  @Test("photos of one person pass the gate; every sample is that person and the samples differ")
  func samplesFromPhotos() throws {
    let engine = try Self.engine()
    let sampler = FaceSampler(engine: engine, wanted: 4, interval: 0)
    let end = sampler.collect(from: try FrameSource.folder("\(Scratch.shared)/faces/people/barack_obama").open(), timeout: nil)
    #expect(end == .complete)
    #expect(sampler.samples.count == 4)
    let first = sampler.samples[0].descriptor
    for sample in sampler.samples.dropFirst() {
      let d = sample.descriptor.distance(to: first)
      #expect(d > sampler.minVariation && d < 0.6)
    }
    // The stored crop holds the face with room around it: the detector finds it again.
    let crop = try Image(data: sampler.samples[0].jpeg, source: "crop")
    #expect(try engine.detectFaces(in: crop).count == 1)
  }

  @Test("every file of the bad inputs folder (README and GIF too) is either refused with a reason or a usable face")
  func badInputs() throws {
    let folder = "\(Scratch.shared)/bad-inputs"
    let images = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }
    let sampler = FaceSampler(engine: try Self.engine(), wanted: 100, interval: 0)
    _ = sampler.collect(from: try FrameSource.folder(folder).open(), timeout: nil)
    #expect(sampler.considered == images.count)
    #expect(sampler.samples.count + sampler.refused.count == images.count)
    let codes = Dictionary(sampler.refused.map { (($0.origin as NSString).lastPathComponent, $0.reason.code) }) { a, _ in a }
    #expect(codes["zero_bytes.jpg"] == "empty")
    #expect(codes["truncated_half.jpg"] == "truncated")
    #expect(codes["text_file.jpg"] == "unsupported_format")
    #expect(codes["animated.gif"] == "unsupported_format")
    #expect(codes["rgba_fully_transparent.png"] == "transparent")
    #expect(codes["README.md"] == "unsupported_format")
    #expect(codes["very_dark.jpg"] == "too_dark")
    #expect(codes["overexposed.jpg"] == "too_bright")
    #expect(codes["many_faces_bald_guys.jpg"] == "several_faces")
    #expect(codes["noface_rocket.jpg"] == "no_face")
    #expect(codes["tiny_face_24px.jpg"] == "no_face" || codes["tiny_face_24px.jpg"] == "too_small")
  }

  @Test("the gate refuses small, blurred, turned and tilted faces with the figure that failed")
  func gateRules() throws {
    let gate = QualityGate()
    let image = try Image(contentsOfFile: try Scratch.photos("barack_obama")[0])
    let engine = try Self.engine()
    let face = try #require(try engine.detectFaces(in: image).first)
    let good = try FaceQuality(face: try engine.landmarks.landmarks(of: face, in: image), in: image)
    #expect(gate.problem(with: good) == nil)

    // The same photo shrunk until the face is 50 px wide (under the 60 px minimum), and blurred by
    // shrinking the face to 20 px and growing it back.
    func scaled(_ factor: Double, _ from: Image) throws -> Image {
      try from.resized(width: Int(Double(from.width) * factor), height: Int(Double(from.height) * factor))
    }
    let small = try scaled(50 / Double(face.box.width), image)
    let smallFace = try #require(try engine.detectFaces(in: small).first)
    let smallQuality = try FaceQuality(face: try engine.landmarks.landmarks(of: smallFace, in: small), in: small)
    #expect(gate.problem(with: smallQuality)?.code == "too_small")

    let factor = 20 / Double(face.box.width)
    let blurred = try scaled(factor, image).resized(width: image.width, height: image.height)
    let blurredFace = try #require(try engine.detectFaces(in: blurred).first)
    let q = try FaceQuality(face: try engine.landmarks.landmarks(of: blurredFace, in: blurred), in: blurred)
    #expect(gate.problem(with: q)?.code == "blurry")
    #expect(q.sharpness < good.sharpness / 5)

    var turned = gate
    turned.maxYaw = abs(good.yaw) / 2
    #expect(turned.problem(with: good)?.code == (abs(good.yaw) > 0 ? "not_frontal" : nil))
  }

  @Test("a video gives samples at least --interval apart, all of the same person")
  func samplesFromVideo() throws {
    let video = "\(Scratch.shared)/faces/video/short_hamilton_clip.mp4"
    let engine = try Self.engine()
    let sampler = FaceSampler(engine: engine, wanted: 4, interval: 0.5)
    let end = sampler.collect(from: try FrameSource(video).open(), timeout: nil)
    #expect(end == .complete)
    let times = sampler.samples.map { Double($0.origin.split(separator: "@").last!.dropLast())! }
    for (a, b) in zip(times, times.dropFirst()) { #expect(b - a >= 0.5 - 1e-6) }
    // Lin-Manuel Miranda, by his photos in people/.
    let reference = try #require(
      try engine.analyze(try Image(contentsOfFile: try Scratch.photos("lin_manuel_miranda")[0])).first?.descriptor)
    for sample in sampler.samples { #expect(sample.descriptor.distance(to: reference) < 0.6, "\(sample.origin)") }
  }

  @Test("a missing source, a folder given as video and a camera that is not there are named errors")
  func badSources() throws {
    #expect(throws: FaceKitError.fileNotFound(path: "/nonexistent/clip.mp4")) { try FrameSource("/nonexistent/clip.mp4") }
    #expect(throws: FaceKitError.self) { try FrameSource("97").open() }
    #expect(throws: FaceKitError.self) {
      try FrameSource("\(Scratch.shared)/bad-inputs/text_file.jpg".replacingOccurrences(of: ".jpg", with: ".mp4")).open()
    }
  }

  @Test(
    "folder names give ids and names in each layout",
    arguments: [
      ("21CS001_Asha Rao", PersonFolders.Layout.auto, "21CS001", "Asha Rao"),
      ("person_3_Ravi_Kumar", .auto, "person_3", "Ravi Kumar"),
      ("barack_obama", .auto, "barack_obama", "barack obama"),
      ("barack_obama", .idName, "barack", "obama"),
      ("21CS001_Asha", .name, "21CS001_Asha", "21CS001 Asha"),
      ("person_7_", .seed, "person_7", "person 7"),
    ])
  func layouts(folder: String, layout: PersonFolders.Layout, id: String, name: String) {
    let parsed = PersonFolders.parse(folder, layout: layout)
    #expect(parsed?.id == id)
    #expect(parsed?.name == name)
  }

  @Test("a scan refuses folders whose name cannot be an id, and keeps Unicode names")
  func scan() throws {
    let s = try Scratch()
    let root = "\(s.folder)/people"
    for name in ["21CS002_Lena Müller", "José García", ".hidden", "person_1_Ann"] {
      try FileManager.default.createDirectory(atPath: "\(root)/\(name)", withIntermediateDirectories: true)
    }
    let scanned = try PersonFolders.scan(root, layout: .auto)
    #expect(scanned.people.map(\.personID) == ["21CS002", "person_1"])
    #expect(scanned.people.first?.name == "Lena Müller")
    #expect(scanned.refused.count == 1 && scanned.refused[0].folder.hasSuffix("José García"))
  }

  @Test("features_all.csv has the seed's columns and each person's mean embedding; names are quoted safely")
  func featuresCSV() throws {
    let s = try Scratch()
    _ = try s.register("21CS001", "Obama, Barack", person: "barack_obama", faces: 2)
    _ = try s.register("21CS002", "=Biden", person: "joe_biden", faces: 1)
    _ = try s.update().run()
    let (text, people) = try FeaturesCSV.make(store: s.store)
    let lines = text.split(separator: "\n")
    #expect(people == 2 && lines.count == 3)
    let header = lines[0].split(separator: ",")
    #expect(header.count == 130 && header[0] == "Roll_No" && header[1] == "Name" && header[129] == "feature_127")
    #expect(lines[1].hasPrefix("21CS001,\"Obama, Barack\","))
    #expect(lines[2].hasPrefix("21CS002,'=Biden,"))
    let gallery = try Gallery(store: s.store)
    let obama = gallery.entries.filter { $0.personID == "21CS001" }.map(\.descriptor.values)
    let mean0 = (obama[0][0] + obama[1][0]) / 2
    let csv0 = Float(lines[1].split(separator: ",")[3])!
    #expect(abs(csv0 - mean0) < 1e-6)
    // The nearest person (the enrolment's look-alike check, through att-take's C++ search): Obama's
    // own face finds him at distance 0; with him left out, the nearest is Biden.
    let probe = gallery.entries.first { $0.personID == "21CS001" }!.descriptor
    let nearest = try #require(gallery.nearest(to: probe))
    #expect(nearest.personID == "21CS001" && nearest.distance < 1e-5 && nearest.runnerUpDistance > 0.5)
    let other = try #require(gallery.nearest(to: probe, excluding: "21CS001"))
    #expect(other.personID == "21CS002" && other.name == "=Biden" && other.runnerUpDistance == .infinity)
    #expect(
      gallery.nearest(to: probe, excluding: "21CS001").map {
        abs($0.distance - probe.distance(to: gallery.entries.first { $0.personID == "21CS002" }!.descriptor)) < 1e-5
      } == true)
  }

  @Test("rename changes the name only; an unknown id is rejected")
  func rename() throws {
    let s = try Scratch()
    _ = try s.register("21CS001", "Asha", faces: 1)
    let result = try s.handler.apply(.renamePerson(RenamePersonMessage(personID: "21CS001", name: "Asha Rao")))
    #expect(result.outcome == .applied("renamed 21CS001 from Asha to Asha Rao"))
    #expect(result.events == [.personRenamed(personID: "21CS001", name: "Asha Rao")])
    #expect(try s.store.person("21CS001")?.name == "Asha Rao")
    let unknown = try s.handler.apply(.renamePerson(RenamePersonMessage(personID: "nobody", name: "X")))
    guard case .rejected = unknown.outcome else { Issue.record("expected a rejection"); return }
  }
}
