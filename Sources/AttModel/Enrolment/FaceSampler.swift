import FaceKit
import Foundation

/// Picks enrolment samples from a stream of frames or photos: exactly one face, through the quality
/// gate, spaced in time, different enough from the samples already taken, and the same person as them.
public final class FaceSampler {
  public let engine: FaceEngine
  public let gate: QualityGate
  /// How many samples to take; `isComplete` turns true when they are there.
  public let wanted: Int
  /// Seconds of video between two samples (ignored for photos, which have no time).
  public let interval: Double
  /// A sample closer than this to one already taken adds nothing (a still frame twice).
  public var minVariation: Float = 0.06
  /// A face further than this from the samples taken is someone else (dlib's same-person bound).
  public var maxSpread: Float = FaceDescriptor.standardThreshold

  public private(set) var samples: [EnrolmentSample] = []
  /// Why candidates were refused, counted by `SampleRejection.code`, with one example each.
  public private(set) var rejections: [String: (count: Int, example: SampleRejection)] = [:]
  /// Each refused candidate with its reason, in order (the first 1,000: a long video refuses many frames).
  public private(set) var refused: [(origin: String, reason: SampleRejection)] = []
  public private(set) var considered = 0
  private var lastTaken: Double?

  public init(engine: FaceEngine, gate: QualityGate = QualityGate(), wanted: Int, interval: Double) {
    self.engine = engine
    self.gate = gate
    self.wanted = wanted
    self.interval = interval
  }

  public var isComplete: Bool { samples.count >= wanted }

  /// Whether a frame at `time` is worth analysing (the interval since the last sample has passed).
  public func wantsFrame(at time: Double?) -> Bool {
    guard !isComplete else { return false }
    guard let time, let lastTaken else { return true }
    return time - lastTaken >= interval
  }

  /// Analyses one frame or photo; returns the sample taken or the reason it was refused.
  @discardableResult
  public func consider(_ image: Image, time: Double?, origin: String) -> Result<EnrolmentSample, SampleRejection> {
    considered += 1
    let result = evaluate(image, origin: origin)
    switch result {
    case .success(let sample):
      samples.append(sample)
      lastTaken = time
    case .failure(let rejection):
      record(rejection, origin: origin)
    }
    return result
  }

  /// Counts a candidate that never became an image (an unreadable file in a folder).
  public func reject(_ rejection: SampleRejection, origin: String) {
    considered += 1
    record(rejection, origin: origin)
  }

  private func record(_ rejection: SampleRejection, origin: String) {
    if refused.count < 1000 { refused.append((origin, rejection)) }
    let previous = rejections[rejection.code]
    rejections[rejection.code] = ((previous?.count ?? 0) + 1, previous?.example ?? rejection)
  }

  private func evaluate(_ image: Image, origin: String) -> Result<EnrolmentSample, SampleRejection> {
    do throws(FaceKitError) {
      let faces = gate.subjects(of: try engine.detectFaces(in: image))
      guard faces.count == 1, let face = faces.first else {
        return .failure(faces.isEmpty ? .noFace : .severalFaces(faces.count))
      }
      let shape = try engine.landmarks.landmarks(of: face, in: image)
      let quality = try FaceQuality(face: shape, in: image)
      if let problem = gate.problem(with: quality) { return .failure(problem) }
      guard let descriptor = try engine.encoder.descriptors(for: [shape], in: image, jitters: 1).first else {
        return .failure(.noFace)
      }
      if let closest = samples.map({ $0.descriptor.distance(to: descriptor) }).min(), closest < minVariation {
        return .failure(.tooSimilar(distance: closest, minimum: minVariation))
      }
      if !samples.isEmpty {
        let distances = samples.map { $0.descriptor.distance(to: descriptor) }.sorted()
        let median = distances[distances.count / 2]
        if median > maxSpread { return .failure(.differentPerson(distance: median, maximum: maxSpread)) }
      }
      return .success(
        EnrolmentSample(jpeg: try Self.crop(face.box, of: image), quality: quality, descriptor: descriptor, origin: origin))
    } catch {
      return .failure(.unreadable(code: error.code, reason: error.reason))
    }
  }

  /// The face with room around it (so the detector finds it again in the crop), at most 480 px.
  static func crop(_ box: FaceBox, of image: Image) throws(FaceKitError) -> Data {
    var crop = try image.cropped(to: box.expanded(by: 0.6, width: image.width, height: image.height))
    let longer = max(crop.width, crop.height)
    if longer > 480 {
      let scale = 480 / Double(longer)
      crop = try crop.resized(
        width: max(Int(Double(crop.width) * scale), 1), height: max(Int(Double(crop.height) * scale), 1))
    }
    return try crop.jpegData(quality: 92)
  }
}
