import CFaceKit
import FaceKit
import Foundation

/// Writes frames to an MJPG .avi (what OpenCV writes deterministically on every machine here), with
/// boxes and labels drawn on them: annotated recordings and test videos made from photos.
public final class VideoWriter {
  private var handle: OpaquePointer?
  public let path: String
  public let width: Int
  public let height: Int

  public init(path: String, framesPerSecond: Double, width: Int, height: Int) throws(FaceKitError) {
    try VideoModule.load()
    var writer: OpaquePointer?
    do throws(FaceKitError) {
      try native(path) { cfk_video_writer_open(path, framesPerSecond, Int64(width), Int64(height), &writer, $0) }
    } catch {
      throw .fileUnreadable(path: path, reason: "cannot create the video: \(error.reason)")
    }
    handle = writer
    self.path = path
    self.width = width
    self.height = height
  }

  deinit { close() }

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
