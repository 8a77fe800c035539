import AttTestSupport
import FaceKit
import Testing

@Suite("Face detection and landmarks", .testThreads)
struct DetectionTests {
  @Test(
    "group photos give the number of faces dlib's HOG detector finds in them",
    arguments: [("obama_and_biden.jpg", 3), ("two_people.jpg", 2), ("bbt4.jpg", 6), ("2007_007763.jpg", 7)])
  func groups(name: String, expected: Int) throws {
    let faces = try HOGFaceDetector(upsample: 1).detect(in: try Image(contentsOfFile: Fixtures.group(name)))
    #expect(faces.count == expected)
  }

  @Test("a crowd of 24 is found, and every box lies inside the image")
  func crowdBoxesClipped() throws {
    let image = try Image(contentsOfFile: Fixtures.badInput("many_faces_bald_guys.jpg"))
    let faces = try HOGFaceDetector(upsample: 1).detect(in: image)
    #expect(faces.count == 24)
    for face in faces {
      #expect(face.box.left >= 0 && face.box.top >= 0 && face.box.right <= image.width && face.box.bottom <= image.height)
      #expect(face.box.width > 0 && face.box.height > 0)
    }
  }

  @Test("a face cut by the image edge gets a box clipped to the image")
  func partialFace() throws {
    let image = try Image(contentsOfFile: Fixtures.testImage("obama_partial_face2.jpg"))
    let faces = try HOGFaceDetector(upsample: 1).detect(in: image)
    #expect(faces.count == 1)
    #expect(
      faces.allSatisfy { $0.box.right <= image.width && $0.box.bottom <= image.height && $0.box.left >= 0 && $0.box.top >= 0 })
  }

  @Test(
    "photos without people give no faces", arguments: ["noface_dlib_dogs.jpg", "noface_rocket.jpg", "blank_gray_640x480.jpg"])
  func noFaces(name: String) throws {
    #expect(try HOGFaceDetector(upsample: 1).detect(in: try Image(contentsOfFile: Fixtures.badInput(name))).isEmpty)
  }

  @Test("upsampling finds the small faces that the plain image hides")
  func upsampleFindsSmallFaces() throws {
    let image = try Image(contentsOfFile: Fixtures.group("2008_004176.jpg"))
    let plain = try HOGFaceDetector(upsample: 0).detect(in: image).count
    let doubled = try HOGFaceDetector(upsample: 1).detect(in: image).count
    #expect(doubled > plain)
  }

  @Test("the CNN detector finds the face HOG finds, at about the same place")
  func cnnDetector() throws {
    let image = try Image(contentsOfFile: Fixtures.testImage("obama.jpg"))
    let cnn = try CNNFaceDetector(modelPath: try Fixtures.models.path(of: .cnnDetector), upsample: 0).detect(in: image)
    let hog = try HOGFaceDetector(upsample: 1).detect(in: image)
    #expect(cnn.count == 1 && hog.count == 1)
    let (a, b) = (cnn[0].box, hog[0].box)
    #expect(abs((a.left + a.right) / 2 - (b.left + b.right) / 2) < a.width / 4)
    #expect(abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2) < a.height / 4)
  }

  @Test("an upsample outside 0-4 is refused before it reaches dlib")
  func upsampleRange() {
    #expect(throws: FaceKitError.invalidArgument("upsample must be between 0 and 4, not 5")) { try HOGFaceDetector(upsample: 5) }
  }

  @Test("5- and 68-point landmarks fall on the face")
  func landmarks() throws {
    let image = try Image(contentsOfFile: Fixtures.testImage("obama.jpg"))
    let face = try #require(try HOGFaceDetector().detect(in: image).first)
    for (model, parts) in [(ModelSet.Model.landmarks5, 5), (.landmarks68, 68)] {
      let predictor = try LandmarkPredictor(modelPath: try Fixtures.models.path(of: model))
      #expect(predictor.parts == parts)
      let shape = try predictor.landmarks(of: face, in: image)
      #expect(shape.points.count == parts)
      let margin = Double(face.box.width) * 0.2
      for point in shape.points {
        #expect(point.x > Double(face.box.left) - margin && point.x < Double(face.box.right) + margin)
        #expect(point.y > Double(face.box.top) - margin && point.y < Double(face.box.bottom) + margin)
      }
    }
  }

  @Test("a huge photo is detected on a shrunken copy and the box mapped back to full size")
  func shrunkenDetection() throws {
    let image = try Image(contentsOfFile: Fixtures.badInput("huge_8000x6000.jpg"))
    let engine = try Fixtures.engine()
    let faces = try engine.detectFaces(in: image)
    #expect(faces.count == 1)
    let box = try #require(faces.first?.box)
    // The face sits in the middle of the 8000x6000 frame and is several hundred pixels wide.
    #expect(box.width > 400 && box.left > 2000 && box.right < 6000 && box.top > 1500 && box.bottom < 4500)
  }
}
