/// dlib's 128-d face descriptor: faces of one person lie within about 0.6 of each other (Euclidean).
/// Encoded in JSON as a plain array of 128 numbers.
public struct FaceDescriptor: Sendable, Equatable, Hashable, Codable {
  public static let dimension = 128
  /// The distance the network was trained to separate people at (99.38% on LFW).
  public static let standardThreshold: Float = 0.6

  public let values: [Float]

  /// Wraps 128 values; anything else is a programming error in the caller.
  public init(_ values: [Float]) throws(FaceKitError) {
    guard values.count == Self.dimension else {
      throw .invalidArgument("a face descriptor has \(Self.dimension) values, not \(values.count)")
    }
    self.values = values
  }

  /// Euclidean distance; 0 for the same picture, under 0.6 for the same person.
  public func distance(to other: FaceDescriptor) -> Float {
    var sum: Float = 0
    for i in 0..<Self.dimension {
      let d = values[i] - other.values[i]
      sum += d * d
    }
    return sum.squareRoot()
  }

  public init(from decoder: any Decoder) throws {
    let values = try [Float](from: decoder)
    guard values.count == Self.dimension else {
      throw DecodingError.dataCorrupted(
        .init(
          codingPath: decoder.codingPath,
          debugDescription: "expected \(Self.dimension) values, found \(values.count)"))
    }
    self.values = values
  }

  public func encode(to encoder: any Encoder) throws {
    try values.encode(to: encoder)
  }
}
