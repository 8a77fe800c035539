import CFaceKit
import FaceKit
import Foundation

/// Writes frames to an MJPG .avi (what OpenCV writes deterministically on every machine here), with
/// boxes and labels drawn on them: annotated recordings and test videos made from photos.
public final class VideoWriter {
  private var handle: OpaquePointer?
  /// The video asked for (errors name it; `whole` writes a partial file beside it first).
  public let path: String
  public let width: Int
  public let height: Int

  public convenience init(path: String, framesPerSecond: Double, width: Int, height: Int) throws(FaceKitError) {
    try self.init(path: path, framesPerSecond: framesPerSecond, width: width, height: height, named: path)
  }

  /// Writes to `path`; errors name `named` (the file the user asked for, when `path` is a partial one).
  private init(path: String, framesPerSecond: Double, width: Int, height: Int, named: String) throws(FaceKitError) {
    try VideoModule.load()
    // The usual mistakes, said plainly before OpenCV fails on them with a warning of its own.
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
      throw .fileUnwritable(path: named, reason: "there is no folder \(folder)")
    }
    guard access(folder, W_OK) == 0 else {
      throw .fileUnwritable(path: named, reason: "the folder \(folder) is not writable")
    }
    var writer: OpaquePointer?
    do throws(FaceKitError) {
      try native(path) { cfk_video_writer_open(path, framesPerSecond, Int64(width), Int64(height), &writer, $0) }
    } catch {
      throw .fileUnwritable(path: named, reason: "OpenCV cannot create an MJPG video there")
    }
    handle = writer
    self.path = named
    self.width = width
    self.height = height
  }

  deinit { close() }

  /// Writes a whole video, all or nothing: `body`'s frames go to a hidden file beside `path`, moved
  /// over `path` once `body` returns. When `body` throws (a photo that does not decode), the partial
  /// file is removed and `path` is left as it was.
  public static func whole(
    path: String, framesPerSecond: Double, width: Int, height: Int, _ body: (VideoWriter) throws -> Void
  ) throws {
    let url = URL(fileURLWithPath: path)
    let partial = url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.deletingPathExtension().lastPathComponent).partial-\(getpid()).\(url.pathExtension)"
    ).path
    let writer = try VideoWriter(
      path: partial, framesPerSecond: framesPerSecond, width: width, height: height, named: path)
    do {
      try body(writer)
      writer.close()
      guard rename(partial, path) == 0 else {
        throw FaceKitError.fileUnwritable(path: path, reason: String(cString: strerror(errno)))
      }
    } catch {
      writer.close()
      try? FileManager.default.removeItem(atPath: partial)
      throw error
    }
  }

  /// Writes `image` with `annotations` drawn on a copy. An image of another size is scaled to fit and
  /// centred on black (letterboxed), so faces keep their shape; annotations are in the image's pixels.
  public func write(_ image: Image, annotations: [FrameAnnotation] = []) throws(FaceKitError) {
    guard let handle else { throw .invalidArgument("\(path): the video is already closed") }
    let bgr = try image.annotatedBGR(annotations)
    try native(path) { cfk_video_writer_write_bgr(handle, bgr, Int64(image.width), Int64(image.height), $0) }
  }

  /// Finishes the file (also done when the writer goes away).
  public func close() {
    if let handle { cfk_video_writer_close(handle) }
    handle = nil
  }
}
