import FaceKit
import Foundation

/// Which network and settings produced an embedding. Embeddings are only compared within one model
/// id: when the settings change, att-extract computes every sample again.
public struct EmbeddingModel: Sendable, Equatable {
  public let id: String

  public init(options: FaceEngineOptions) {
    id = "dlib_resnet_v1" + (options.jitters > 1 ? "+jitters\(options.jitters)" : "")
  }

  /// A model named by its id (a gallery received from att-serve names the model it holds).
  public init(id: String) {
    self.id = id
  }

  /// The engine settings enrolment and extraction use for stored face crops: the largest face of
  /// each crop, found by RetinaFace (from about 12 px, turned faces too; HOG needed an upsample for
  /// small crops). The embedding model id does not depend on the detector: descriptors from
  /// RetinaFace's boxes match those from HOG's (`facekit-bench detectors`: 98.3% of the people
  /// photos identified against a HOG gallery, as many as HOG's own, none wrongly), so stored embeddings stay valid.
  public static let standardOptions = FaceEngineOptions(detector: .retinaface, upsample: 1, jitters: 1, largestOnly: true)
  public static let standard = EmbeddingModel(options: standardOptions)
}

extension FaceDescriptor {
  /// The descriptor as stored: 128 little-endian float32, 512 bytes.
  var blob: Data {
    var data = Data(capacity: Self.dimension * 4)
    for value in values {
      withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }
    return data
  }

  /// Reads a stored descriptor; nil when the blob is not 512 bytes.
  init?(blob: Data) {
    guard blob.count == Self.dimension * 4 else { return nil }
    let values = blob.withUnsafeBytes { raw in
      (0..<Self.dimension).map {
        Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
      }
    }
    try? self.init(values)
  }
}
