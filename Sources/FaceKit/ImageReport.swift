/// The result for one image file: its faces, or why it could not be read. This is the JSON line
/// `att-extract embed` prints: `{"file":…,"width":…,"height":…,"faces":[{"box":[l,t,r,b],"score":…,"embedding":[128 numbers]}]}`
/// or `{"file":…,"error":…,"code":…}`.
public struct ImageReport: Sendable, Equatable, Codable {
  /// One face of the image.
  public struct Face: Sendable, Equatable, Codable {
    public let box: FaceBox
    public let score: Double
    public let embedding: FaceDescriptor
  }

  public let file: String
  public let width: Int?
  public let height: Int?
  public let faces: [Face]?
  /// Why the file gave no result, for a person.
  public let error: String?
  /// The kind of failure, for a script (`FaceKitError.code`).
  public let code: String?

  public init(file: String, image: Image, faces: [FaceAnalysis]) {
    self.file = file
    self.width = image.width
    self.height = image.height
    self.faces = faces.map { Face(box: $0.box, score: $0.score, embedding: $0.descriptor) }
    self.error = nil
    self.code = nil
  }

  public init(file: String, error: FaceKitError) {
    self.file = file
    self.width = nil
    self.height = nil
    self.faces = nil
    self.error = error.reason
    self.code = error.code
  }

  public var failed: Bool { error != nil }

  /// The report as one line of JSON (no newline), keys in reading order, absent fields left out.
  public var jsonLine: String {
    var line = JSONLine()
    line.add("file", file)
    if let width, let height {
      line.add("width", width)
      line.add("height", height)
    }
    if let faces {
      line.add(
        "faces",
        objects: faces.map { face in
          var object = JSONLine()
          object.add("box", [face.box.left, face.box.top, face.box.right, face.box.bottom])
          object.add("score", face.score)
          object.add("embedding", face.embedding.values)
          return object
        })
    }
    if let error { line.add("error", error) }
    if let code { line.add("code", code) }
    return line.text
  }
}
