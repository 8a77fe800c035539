import AttTestSupport
import FaceKit
import Foundation
import Testing

@Suite("Face descriptors", .testThreads)
struct DescriptorTests {
  @Test("photos of the same person lie closer than 0.6")
  func samePerson() throws {
    let engine = try Fixtures.engine()
    let obama = try Fixtures.descriptor(Fixtures.testImage("obama.jpg"), engine: engine)
    for other in ["obama2.jpg", "obama3.jpg", "32bit.png"] {
      #expect(obama.distance(to: try Fixtures.descriptor(Fixtures.testImage(other), engine: engine)) < 0.6, "\(other)")
    }
  }

  @Test(
    "every pair of photos of one person in shared/faces/people is within 0.6",
    arguments: ["barack_obama", "alex_lacamoire", "kit_harington", "joe_biden", "john_salley", "john_simm", "bbt_sheldon"])
  func samePersonFolders(person: String) throws {
    let engine = try Fixtures.engine()
    let descriptors = try Fixtures.people(person).map { try Fixtures.descriptor($0, engine: engine) }
    #expect(descriptors.count >= 2)
    for i in descriptors.indices {
      for j in descriptors.indices where j > i {
        #expect(descriptors[i].distance(to: descriptors[j]) < 0.6, "\(person) photos \(i) and \(j)")
      }
    }
  }

  @Test("different people lie farther than 0.6: obama and biden, the five johns")
  func differentPeople() throws {
    let engine = try Fixtures.engine()
    let obama = try Fixtures.descriptor(Fixtures.testImage("obama.jpg"), engine: engine)
    #expect(obama.distance(to: try Fixtures.descriptor(Fixtures.testImage("biden.jpg"), engine: engine)) > 0.6)
    let johns = ["john_salley", "john_savage", "john_schneider", "john_shimkus", "john_simm"]
    let firstTwo = try johns.map { name in try Fixtures.people(name).prefix(2).map { try Fixtures.descriptor($0, engine: engine) }
    }
    for a in johns.indices {
      for b in johns.indices where b > a {
        for x in firstTwo[a] {
          for y in firstTwo[b] { #expect(x.distance(to: y) > 0.6, "\(johns[a]) vs \(johns[b])") }
        }
      }
    }
  }

  @Test("the embedding of an image is identical across runs and engines")
  func deterministic() throws {
    let image = try Image(contentsOfFile: Fixtures.testImage("obama2.jpg"))
    let first = try Fixtures.engine().analyze(image)
    let second = try Fixtures.engine().analyze(image)
    #expect(first == second)
    #expect(first.count == 1)
  }

  @Test("two engines on two threads at once give the same embeddings as one engine alone")
  func threads() async throws {
    let files = Fixtures.people("barack_obama").prefix(6).map { $0 }
    let sequential = try Fixtures.engine()
    let expected = try files.map { try sequential.analyze(try Image(contentsOfFile: $0)) }
    let results = try await withThrowingTaskGroup(of: [[FaceAnalysis]].self) { group in
      for _ in 0..<2 {
        group.addTask {
          let engine = try Fixtures.engine()
          return try files.map { try engine.analyze(try Image(contentsOfFile: $0)) }
        }
      }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    #expect(results.count == 2)
    for result in results { #expect(result == expected) }
  }

  @Test("faces computed as one batch equal faces computed one at a time")
  func batchEqualsSingle() throws {
    let engine = try Fixtures.engine()
    let image = try Image(contentsOfFile: Fixtures.group("obama_and_biden.jpg"))
    let faces = try engine.detector.detect(in: image)
    let shapes = try faces.map { try engine.landmarks.landmarks(of: $0, in: image) }
    let batch = try engine.encoder.descriptors(for: shapes, in: image)
    let single = try shapes.map { try engine.encoder.descriptors(for: [$0], in: image)[0] }
    #expect(batch.count == 3)
    for (a, b) in zip(batch, single) { #expect(a.distance(to: b) < 1e-4) }
  }

  @Test("jittered descriptors repeat exactly and stay near the plain one")
  func jitters() throws {
    let image = try Image(contentsOfFile: Fixtures.testImage("obama.jpg"))
    let jittered = try Fixtures.engine(FaceEngineOptions(jitters: 5))
    let a = try jittered.analyze(image)[0].descriptor
    let b = try jittered.analyze(image)[0].descriptor
    let plain = try Fixtures.engine().analyze(image)[0].descriptor
    #expect(a == b)
    #expect(a != plain)
    #expect(a.distance(to: plain) < 0.15)
  }

  @Test("the aligned chip is 150x150")
  func chip() throws {
    let engine = try Fixtures.engine()
    let image = try Image(contentsOfFile: Fixtures.testImage("biden.jpg"))
    let face = try #require(try engine.detector.detect(in: image).first)
    let chip = try FaceEncoder.chip(for: try engine.landmarks.landmarks(of: face, in: image), in: image)
    #expect(chip.width == 150 && chip.height == 150)
  }

  @Test("a descriptor must have 128 values, in code and in JSON")
  func dimension() throws {
    #expect(throws: FaceKitError.self) { try FaceDescriptor([1, 2, 3]) }
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(FaceDescriptor.self, from: Data("[1,2]".utf8)) }
    let zero = try FaceDescriptor([Float](repeating: 0, count: 128))
    var one = [Float](repeating: 0, count: 128)
    one[0] = 3
    one[1] = 4
    #expect(zero.distance(to: try FaceDescriptor(one)) == 5)
  }
}
