import FaceKit
import Foundation

/// Times each stage of the face engine on a set of photos and prints one JSON object of medians
/// (milliseconds), the same shape `Scripts/bench-reference.py` prints for Python face_recognition,
/// so `Scripts/bench` can set them side by side.
///
/// Usage: facekit-bench [--upsample N] [--repeat N] [--models DIR] FILE...
///        facekit-bench match N...   (1:N search time per probe for galleries of N random descriptors)
///        facekit-bench detectors PEOPLE_DIR [--models DIR]   (HOG against RetinaFace boxes: separation)
@main
struct FaceKitBench {
  static func main() throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "detectors", arguments.count >= 2 {
      let models = arguments.count >= 4 && arguments[2] == "--models" ? arguments[3] : nil
      try compareDetectors(folder: arguments[1], models: ModelSet.locate(explicit: models))
      return
    }
    if arguments.first == "match" {
      try matching(sizes: arguments.dropFirst().compactMap { Int($0) })
      return
    }
    var upsample = 1
    var repeats = 3
    var models: String?
    var files: [String] = []
    while !arguments.isEmpty {
      let argument = arguments.removeFirst()
      switch argument {
      case "--upsample": upsample = Int(arguments.removeFirst()) ?? 1
      case "--repeat": repeats = Int(arguments.removeFirst()) ?? 3
      case "--models": models = arguments.removeFirst()
      default: files.append(argument)
      }
    }
    guard !files.isEmpty else {
      FileHandle.standardError.write(Data("usage: facekit-bench [--upsample N] [--repeat N] [--models DIR] FILE...\n".utf8))
      exit(64)
    }

    let loadStart = Date()
    let engine = try FaceEngine(models: ModelSet.locate(explicit: models), options: FaceEngineOptions(upsample: upsample))
    let loadSeconds = Date().timeIntervalSince(loadStart)

    var decode: [Double] = [], detect: [Double] = [], landmarks: [Double] = [], descriptor: [Double] = []
    var endToEnd: [Double] = []
    var faces = 0
    for _ in 0..<repeats {
      for file in files {
        var total = Clock.start()
        var clock = Clock.start()
        guard let image = try? Image(contentsOfFile: file) else { continue }
        decode.append(clock.lap())
        let found = try engine.detectFaces(in: image)
        detect.append(clock.lap())
        guard let face = found.first else { endToEnd.append(total.lap()); continue }
        let shape = try engine.landmarks.landmarks(of: face, in: image)
        landmarks.append(clock.lap())
        _ = try engine.encoder.descriptors(for: [shape], in: image)
        descriptor.append(clock.lap())
        // The rest of the faces, so end-to-end is the whole image as att-extract does it.
        let others = try found.dropFirst().map { (face: DetectedFace) throws(FaceKitError) in
          try engine.landmarks.landmarks(of: face, in: image)
        }
        _ = try engine.encoder.descriptors(for: others, in: image)
        endToEnd.append(total.lap())
        faces += found.count
      }
    }
    var line = JSONLine()
    line.add("implementation", "att FaceKit (Swift, dlib C++ -O2, OpenBLAS)")
    line.add("images", files.count)
    line.add("repeats", repeats)
    line.add("upsample", upsample)
    line.add("faces_per_pass", faces / max(repeats, 1))
    line.add("model_load_ms", loadSeconds * 1000)
    line.add("decode_ms", median(decode))
    line.add("detect_ms", median(detect))
    line.add("landmarks_ms", median(landmarks))
    line.add("descriptor_ms", median(descriptor))
    line.add("end_to_end_ms", median(endToEnd))
    print(line.text)
  }

  static func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
  }
}

/// A monotonic stopwatch in milliseconds.
struct Clock {
  private var last: UInt64

  static func start() -> Clock { Clock(last: DispatchTime.now().uptimeNanoseconds) }

  /// Milliseconds since the start or the previous lap.
  mutating func lap() -> Double {
    let now = DispatchTime.now().uptimeNanoseconds
    defer { last = now }
    return Double(now - last) / 1e6
  }
}

extension FaceKitBench {
  /// Median time of one 1:N search in a `DescriptorIndex` of n random descriptors (owners: n / 5
  /// people), one JSON line per size.
  static func matching(sizes: [Int]) throws {
    var generator = SeededGenerator(seed: 1)  // every run searches the same gallery
    for n in sizes {
      let descriptors = try (0..<n).map { _ in
        var v = (0..<FaceDescriptor.dimension).map { _ in Float(generator.nextGaussian()) }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot() * 2
        v = v.map { $0 / norm }
        return try FaceDescriptor(v)
      }
      let index = try DescriptorIndex(descriptors: descriptors, owners: (0..<n).map { Int32($0 / 5) })
      var times: [Double] = []
      for i in 0..<min(200, max(20, 2_000_000 / n)) {
        let probe = try FaceDescriptor(descriptors[(i * 7919) % n].values.map { $0 + 0.01 })
        let start = DispatchTime.now().uptimeNanoseconds
        _ = index.nearest(to: probe)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
      }
      times.sort()
      print("{\"n\":\(n),\"ms_per_probe\":\(times[times.count / 2])}")
    }
  }
}

extension SeededGenerator {
  /// A standard normal draw (Box-Muller).
  mutating func nextGaussian() -> Double {
    let u = max(Double(next() >> 11) / Double(1 << 53), 1e-12), v = Double(next() >> 11) / Double(1 << 53)
    return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
  }
}
