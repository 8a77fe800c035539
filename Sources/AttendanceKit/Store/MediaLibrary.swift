import Foundation

/// The face images on disk: `ROOT/<person id>/<sha256>.jpg`, named by content so that writing the
/// same crop twice is a no-op, and erasable per person in one step. The database stores paths
/// relative to the root (`<person id>/<sha256>.jpg`), so the folder can move with the database.
public struct MediaLibrary: Sendable {
  public let root: String

  /// The library at `root`: `MEDIA_DIR`, or `media` beside the working directory by default.
  public init(root: String = "media") {
    self.root = root
  }

  /// The stored (relative) path a crop with this digest gets.
  public func relativePath(personID: String, sha256: String) -> String {
    "\(personID)/\(sha256).jpg"
  }

  /// Where the snapshots kept for review are: unknown faces' and liveness refusals' (not a person's
  /// folder: nobody is enrolled as an unknown face, and a refused crop must not become a sample).
  public static let unknownFolder = "_unknown"

  public func unknownPath(sha256: String) -> String {
    "\(Self.unknownFolder)/\(sha256).jpg"
  }

  /// Where a stored relative path is on disk.
  public func fullPath(_ relativePath: String) -> String {
    relativePath.hasPrefix("/") ? relativePath : "\(root)/\(relativePath)"
  }

  /// The folder holding one person's images.
  public func folder(personID: String) -> String {
    "\(root)/\(personID)"
  }

  /// Writes the bytes durably (`DurableFile`: a temporary file, fsync, rename), readable by their
  /// owner only. Returns whether a new file was created.
  @discardableResult
  public func write(_ bytes: Data, to path: String) throws -> Bool {
    if FileManager.default.fileExists(atPath: path) { return false }
    let folder = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(
      atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    try DurableFile.write(bytes, to: path, mode: 0o600)
    return true
  }

  /// Removes every image of a person (the whole folder). Missing is fine: the erase is what counts.
  public func erase(personID: String) throws {
    let folder = folder(personID: personID)
    if FileManager.default.fileExists(atPath: folder) { try FileManager.default.removeItem(atPath: folder) }
  }
}
