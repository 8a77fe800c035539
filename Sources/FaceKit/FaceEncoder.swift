import CFaceKit

/// dlib's ResNet face recognition network: aligned face chips in, 128-d descriptors out.
/// Not thread-safe (the network keeps its activations between calls): one encoder per thread.
public final class FaceEncoder {
  private let handle: OpaquePointer
  /// The size and padding of the chip the network was trained on.
  public static let chipSize = 150
  public static let chipPadding = 0.25

  public init(modelPath: String) throws(FaceKitError) {
    var encoder: OpaquePointer?
    try native(modelPath) { cfk_face_encoder_new(modelPath, &encoder, $0) }
    handle = encoder!
  }

  deinit { cfk_face_encoder_free(handle) }

  /// Descriptors for several faces of one image, computed as one batch.
  /// `jitters` > 1 averages that many randomly shifted, scaled and mirrored chips per face: slower
  /// by that factor, slightly more robust; the random sequence is fixed, so results repeat exactly.
  /// `mirrored`: each chip's descriptor averaged with its mirror image's (twice the cost; measured
  /// by `facekit-bench detectors`).
  public func descriptors(for faces: [FaceLandmarks], in image: Image, jitters: Int = 1, mirrored: Bool = false)
    throws(FaceKitError) -> [FaceDescriptor]
  {
    guard let parts = faces.first?.points.count else { return [] }
    guard faces.allSatisfy({ $0.points.count == parts }) else {
      throw .invalidArgument("all faces in one batch must have the same landmark model")
    }
    guard (1...100).contains(jitters) else { throw .invalidArgument("jitters must be between 1 and 100, not \(jitters)") }
    let rects = faces.map(\.face.cRect)
    let points = faces.flatMap { $0.points.map { cfk_point(x: $0.x, y: $0.y) } }
    var output = [Float](repeating: 0, count: faces.count * FaceDescriptor.dimension)
    try native(image.source) { error in
      output.withUnsafeMutableBufferPointer { out in
        cfk_face_encode(
          handle, image.handle, faces.count, rects, points, parts, Int32(jitters), mirrored ? 1 : 0, out.baseAddress, error)
      }
    }
    return try (0..<faces.count).map { (i: Int) throws(FaceKitError) -> FaceDescriptor in
      try FaceDescriptor(Array(output[i * FaceDescriptor.dimension..<(i + 1) * FaceDescriptor.dimension]))
    }
  }

  /// The aligned chip the network sees for `face` (150x150 with 0.25 padding by default): what
  /// enrolment saves as the face crop, and what a person can look at to judge alignment.
  public static func chip(
    for face: FaceLandmarks, in image: Image, size: Int = chipSize,
    padding: Double = chipPadding
  ) throws(FaceKitError) -> Image {
    let points = face.points.map { cfk_point(x: $0.x, y: $0.y) }
    var chip: OpaquePointer?
    try native(image.source) {
      cfk_face_chip(image.handle, face.face.cRect, points, points.count, Int32(size), padding, &chip, $0)
    }
    return Image.wrap(chip!, source: "\(image.source) (face chip)")
  }
}
