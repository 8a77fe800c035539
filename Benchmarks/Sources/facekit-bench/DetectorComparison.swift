import FaceKit
import Foundation

/// `facekit-bench detectors PEOPLE_DIR [--models DIR]`: do RetinaFace's boxes give descriptors that
/// separate people as well as HOG's? For every photo of PEOPLE_DIR/<person>/ it takes the largest face
/// each detector finds and prints, per setting (HOG, RetinaFace, RetinaFace with mirrored chips):
/// - the same-person and different-person distance distributions (all pairs);
/// - leave-one-out identification at att-take's threshold 0.5 and margin 0.08;
/// - the box geometry RetinaFace's boxes are mapped with (HOG side per RetinaFace width, and where
///   HOG's centre lies against the five landmarks), which is how `RetinaFaceDetector` was calibrated;
/// - identification when each face is shrunk to a given width first (the size att-take waits for).
extension FaceKitBench {
  struct Sample {
    let person: String
    /// Which photo it came from (a shrunk probe is never matched against its own photo).
    let photo: Int
    let descriptor: FaceDescriptor
  }

  static func compareDetectors(folder: String, models: ModelSet) throws {
    let hog = try HOGFaceDetector(upsample: 1)
    let retina = try RetinaFaceDetector(modelPath: try models.path(of: .retinaFace), upsample: 0)
    let landmarks = try LandmarkPredictor(modelPath: try models.path(of: .landmarks5))
    let encoder = try FaceEncoder(modelPath: try models.path(of: .recognition))
    var settings: [String: [Sample]] = ["hog": [], "hog+mirror": [], "retinaface": [], "retinaface+mirror": []]
    var widths: [Int: [Sample]] = [:]
    var photos = 0
    var missed: [String: Int] = ["hog": 0, "retinaface": 0]
    var sidePerWidth: [Double] = []
    var yawPerTurn: [Double] = []
    let people = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    for person in people {
      let dir = "\(folder)/\(person)"
      guard let files = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
      for file in files.sorted() {
        guard let image = try? Image(contentsOfFile: "\(dir)/\(file)") else { continue }
        photos += 1
        let hogFace = try FaceEngine.detectFaces(in: image, with: hog, maxDetectionSide: 2000).max { $0.box.area < $1.box.area }
        let retinaFace = try FaceEngine.detectFaces(in: image, with: retina, maxDetectionSide: 1024).max {
          $0.box.area < $1.box.area
        }
        if let face = hogFace {
          let shape = try landmarks.landmarks(of: face, in: image)
          settings["hog"]!.append(
            Sample(person: person, photo: photos, descriptor: try encoder.descriptors(for: [shape], in: image)[0]))
          settings["hog+mirror"]!.append(
            Sample(person: person, photo: photos, descriptor: try encoder.descriptors(for: [shape], in: image, mirrored: true)[0])
          )
        } else {
          missed["hog"]! += 1
        }
        guard let face = retinaFace else {
          missed["retinaface"]! += 1
          continue
        }
        if let hogFace, hogFace.box.overlap(with: face.box) > 0.3 {
          sidePerWidth.append(Double(hogFace.box.width) / Double(face.box.width))
        }
        let shape = try landmarks.landmarks(of: face, in: image)
        // How dlib's 5-point yaw (nose base) relates to RetinaFace's turn (nose tip), on turned faces.
        if let turn = face.turn, turn > 0.1, let pose = HeadPose(fivePointLandmarks: shape.points) {
          yawPerTurn.append(abs(pose.yaw) / turn)
        }
        settings["retinaface"]!.append(
          Sample(person: person, photo: photos, descriptor: try encoder.descriptors(for: [shape], in: image)[0]))
        settings["retinaface+mirror"]!.append(
          Sample(person: person, photo: photos, descriptor: try encoder.descriptors(for: [shape], in: image, mirrored: true)[0]))
        // The same face shrunk to each width, found again by RetinaFace on the small image.
        for width in [24, 32, 40, 48, 64] where face.box.width > width {
          let factor = Double(width) / Double(face.box.width)
          let small = try image.resized(
            width: max(Int(Double(image.width) * factor), 1), height: max(Int(Double(image.height) * factor), 1))
          guard let found = try retina.detect(in: small).max(by: { $0.box.area < $1.box.area }) else { continue }
          let shape = try landmarks.landmarks(of: found, in: small)
          widths[width, default: []].append(
            Sample(person: person, photo: photos, descriptor: try encoder.descriptors(for: [shape], in: small)[0]))
        }
      }
    }
    print(
      "photos: \(photos) in \(people.count) folders; no face found: hog \(missed["hog"]!), retinaface \(missed["retinaface"]!)")
    printSpread("box geometry over %d faces both found: HOG side / RetinaFace width", sidePerWidth)
    printSpread("head turn over %d faces turned 0.1+: dlib 5-point yaw / RetinaFace turn", yawPerTurn)
    print("setting                     faces  same median  same p95  other p5  other min  LOO right  LOO wrong  LOO none")
    for name in ["hog", "hog+mirror", "retinaface", "retinaface+mirror"] {
      printSeparation(name, settings[name]!, gallery: nil)
    }
    // att-take's case: people enrolled with HOG (att-register's default), probes from RetinaFace.
    printSeparation("retinaface vs hog gallery", settings["retinaface"]!, gallery: settings["hog"]!)
    print("probes shrunk to a face width, found by RetinaFace, against the full-size RetinaFace gallery:")
    for width in widths.keys.sorted() {
      printSeparation("  \(width) px wide", widths[width]!, gallery: settings["retinaface"]!)
    }
  }

  /// Distances within and across people, and leave-one-out identification (threshold 0.5, margin 0.08).
  /// With `gallery`, each probe is matched against the gallery's photos other than its own.
  static func printSeparation(_ name: String, _ probes: [Sample], gallery: [Sample]?) {
    let against = gallery ?? probes
    var same: [Double] = [], other: [Double] = []
    var right = 0, wrong = 0, none = 0
    for (i, probe) in probes.enumerated() {
      var nearest: [String: Double] = [:]
      for (j, entry) in against.enumerated() where entry.photo != probe.photo {
        let d = Double(probe.descriptor.distance(to: entry.descriptor))
        // Each pair once when probes and gallery are the same set.
        if gallery != nil || j > i {
          if entry.person == probe.person { same.append(d) } else { other.append(d) }
        }
        nearest[entry.person] = min(nearest[entry.person] ?? .infinity, d)
      }
      let ranked = nearest.sorted { $0.value < $1.value }
      guard let best = ranked.first, best.value <= 0.5, (ranked.dropFirst().first?.value ?? .infinity) - best.value >= 0.08 else {
        none += 1
        continue
      }
      if best.key == probe.person { right += 1 } else { wrong += 1 }
    }
    same.sort()
    other.sort()
    let n = Double(max(probes.count, 1))
    print(
      String(
        format: "%@ %6d  %11.3f  %8.3f  %8.3f  %9.3f  %8.1f%%  %8.1f%%  %7.1f%%",
        name.padding(toLength: 26, withPad: " ", startingAt: 0), probes.count,
        percentile(same, 0.5), percentile(same, 0.95), percentile(other, 0.05), other.first ?? .nan,
        100 * Double(right) / n, 100 * Double(wrong) / n, 100 * Double(none) / n))
  }

  /// One line: `label` (with the count for its %d), then the median and the 10th-90th percentiles.
  static func printSpread(_ label: String, _ values: [Double]) {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return }
    print(
      String(format: label, sorted.count)
        + String(
          format: " median %.3f (10th-90th %.3f-%.3f)", percentile(sorted, 0.5), percentile(sorted, 0.1),
          percentile(sorted, 0.9)))
  }

  static func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(Int((Double(sorted.count - 1) * p).rounded()), sorted.count - 1)]
  }
}
