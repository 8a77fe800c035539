import CFaceKit

/// YOLOv4-tiny trained on COCO (`yolov4-tiny.cfg` and `.weights`), run through OpenCV's dnn module: the
/// people and devices in a region of a frame. The liveness device cue asks it whether a face lies on a
/// phone, a laptop or a monitor. About 20-40 ms for a 320 px square on one core.
///
/// Not thread-safe (OpenCV keeps per-network buffers): give each thread its own.
public final class ObjectDetector {
  /// The COCO classes the device cue reads (COCO's 80, counted from 0).
  public enum Kind: Int32, Sendable, Codable, CaseIterable {
    case person = 0
    case monitor = 62
    case laptop = 63
    case phone = 67

    /// Whether it shows pictures: a phone (tablets are seen as phones or laptops), a laptop, a monitor or TV.
    public var isDevice: Bool { self != .person }
  }

  /// One object found: its class, box (in the frame's pixels) and score (0-1).
  public struct Object: Sendable, Equatable {
    public let kind: Kind
    public let box: FaceBox
    public let score: Double

    public init(kind: Kind, box: FaceBox, score: Double) {
      self.kind = kind
      self.box = box
      self.score = score
    }
  }

  private let handle: OpaquePointer
  private let modelPath: String

  public init(configPath: String, weightsPath: String) throws(FaceKitError) {
    modelPath = weightsPath
    var detector: OpaquePointer?
    try native(weightsPath) { cfk_objects_new(configPath, weightsPath, &detector, $0) }
    handle = detector!
  }

  /// From the models folder.
  public convenience init(models: ModelSet) throws(FaceKitError) {
    try self.init(configPath: try models.path(of: .objectsConfig), weightsPath: try models.path(of: .objectsWeights))
  }

  deinit { cfk_objects_free(handle) }

  /// The people and devices inside `region` of `image` (clipped to it), which the network sees as a
  /// `side` x `side` square (a multiple of 32); other COCO classes are dropped.
  public func detect(in image: Image, region: FaceBox, side: Int = 320, minScore: Double = 0.25) throws(FaceKitError) -> [Object] {
    var found: UnsafeMutablePointer<cfk_object>?
    var count = 0
    defer { cfk_free(found) }
    try native("object detector (\(modelPath))") {
      cfk_objects_detect(handle, image.handle, region.inclusiveRect, Int32(side), Float(minScore), &found, &count, $0)
    }
    guard let found else { return [] }
    return (0..<count).compactMap { i in
      let object = found[i]
      guard let kind = Kind(rawValue: object.kind) else { return nil }
      let box = FaceBox(
        left: Int(object.rect.left), top: Int(object.rect.top), right: Int(object.rect.right) + 1, bottom: Int(object.rect.bottom) + 1)
      return Object(kind: kind, box: box, score: object.rect.score)
    }
  }
}

extension Image {
  /// The straight edges around `face` within `region` of this image (a bezel, a screen's border, a
  /// door frame): per side (left, top, right, bottom) the distance from the face's box to the nearest
  /// long straight edge beyond it that spans the face, in face widths; nil for a side without one.
  public func frameSides(around face: FaceBox, region: FaceBox) throws(FaceKitError) -> [Double?] {
    var sides = cfk_frame_sides()
    try native("frame edges of \(source)") { cfk_frame_sides_find(handle, face.inclusiveRect, region.inclusiveRect, &sides, $0) }
    return withUnsafeBytes(of: sides.offset) { raw in raw.bindMemory(to: Double.self).map { $0 < 0 ? nil : $0 } }
  }
}
