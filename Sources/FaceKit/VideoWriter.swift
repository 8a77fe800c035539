import CFaceKit
import Foundation

/// A box and label to draw on a written frame.
public struct FrameAnnotation: Sendable, Equatable {
  public var box: FaceBox
  /// RGB, 0-255 each.
  public var colour: (red: UInt8, green: UInt8, blue: UInt8)
  public var label: String

  public init(box: FaceBox, colour: (red: UInt8, green: UInt8, blue: UInt8), label: String) {
    self.box = box
    self.colour = colour
    self.label = label
  }

  public static func == (a: FrameAnnotation, b: FrameAnnotation) -> Bool {
    a.box == b.box && a.colour == b.colour && a.label == b.label
  }
}

extension FrameAnnotation {
  /// Lends the annotations to C as cfk_annotation structs whose labels live for the call.
  static func withCArray<R>(_ annotations: [FrameAnnotation], _ body: (UnsafeMutableBufferPointer<cfk_annotation>) -> R) -> R {
    let labels = annotations.map { strdup($0.label) }
    defer { labels.forEach { free($0) } }
    var items = zip(annotations, labels).map { annotation, label in
      cfk_annotation(
        rect: annotation.box.inclusiveRect, red: annotation.colour.red, green: annotation.colour.green,
        blue: annotation.colour.blue, label: UnsafePointer(label))
    }
    return items.withUnsafeMutableBufferPointer { body($0) }
  }
}

/// Writes frames to an MJPG .avi (what OpenCV writes deterministically on every machine here), with
/// boxes and labels drawn on them: annotated recordings and test videos made from photos.
public final class VideoWriter {
  private var handle: OpaquePointer?
  public let path: String
  public let width: Int
  public let height: Int

  public init(path: String, framesPerSecond: Double, width: Int, height: Int) throws(FaceKitError) {
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
    try native(path) { error in
      FrameAnnotation.withCArray(annotations) { cfk_video_writer_write(handle, image.handle, $0.baseAddress, $0.count, error) }
    }
  }

  /// Finishes the file (also done when the writer goes away).
  public func close() {
    if let handle { cfk_video_writer_close(handle) }
    handle = nil
  }
}

/// A desktop window showing frames as they are processed (`att-take --preview`).
public final class PreviewWindow {
  public let title: String

  /// Nil when there is no display to open a window on (no DISPLAY or WAYLAND_DISPLAY).
  public init?(title: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
    guard environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil else { return nil }
    self.title = title
  }

  deinit { cfk_preview_close(title) }

  /// Shows the frame; returns the key pressed (nil for none).
  public func show(_ image: Image, annotations: [FrameAnnotation]) throws(FaceKitError) -> Int? {
    var key: Int32 = -1
    try native("preview") { error in
      FrameAnnotation.withCArray(annotations) { cfk_preview_show(title, image.handle, $0.baseAddress, $0.count, &key, error) }
    }
    return key >= 0 ? Int(key) : nil
  }
}
