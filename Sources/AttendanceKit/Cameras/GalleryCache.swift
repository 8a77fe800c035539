import Foundation

/// A camera host's copy of the last gallery it received, so that it starts and runs while att-serve
/// is down. One JSON file, mode 0600, written atomically, holding only what matching needs (person
/// ids, names, embeddings: a full `GalleryUpdate`). When a person is removed, the file is rewritten
/// without them and the old file's bytes are overwritten with zeros before the new one takes its place.
public struct GalleryCache: Sendable {
  public let path: String

  public init(path: String) {
    self.path = path
  }

  public enum LoadError: Error, CustomStringConvertible {
    case unreadable(String, reason: String)
    case otherModel(String, cached: String, wanted: String)

    public var description: String {
      switch self {
      case .unreadable(let path, let reason): "\(path): the gallery cache cannot be read (\(reason))"
      case .otherModel(let path, let cached, let wanted): "\(path): the cache holds model \(cached), not \(wanted)"
      }
    }
  }

  /// The cached gallery; nil when there is none.
  public func load(model: String) throws(LoadError) -> GalleryUpdate? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    let update: GalleryUpdate
    do {
      update = try JSONDecoder().decode(GalleryUpdate.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    } catch let error as DecodingError {
      throw .unreadable(path, reason: "not a gallery: \(error.localizedDescription)")
    } catch {
      throw .unreadable(path, reason: error.localizedDescription)
    }
    guard update.full else { throw .unreadable(path, reason: "it holds changes, not a gallery") }
    guard update.model == model else { throw .otherModel(path, cached: update.model, wanted: model) }
    return update
  }

  /// Replaces the cache with `gallery` (a full update). With `scrubbing`, the old file's bytes are
  /// zeroed first: someone was removed, and their embeddings must not stay readable on the disk.
  public func save(_ gallery: GalleryUpdate, scrubbing: Bool) throws {
    precondition(gallery.full, "the cache holds whole galleries")
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty {
      try FileManager.default.createDirectory(
        atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
    let data = try GalleryUpdate.encoder.encode(gallery)
    if scrubbing { DurableFile.scrub(path) }
    try DurableFile.write(data, to: path, mode: 0o600)
  }

  /// Deletes the cache (scrubbed first).
  public func erase() {
    DurableFile.scrub(path)
    unlink(path)
  }
}
