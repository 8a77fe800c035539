import CFacePreview
import FaceKit
import FaceVideo
import Foundation

/// A desktop window showing frames as they are processed (`att-take --preview`). In a target of its
/// own: only att-take links OpenCV's highgui and the GUI toolkit behind it.
public final class PreviewWindow {
  public let title: String

  /// Nil when there is no display to open a window on (no DISPLAY or WAYLAND_DISPLAY).
  public init?(title: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
    guard environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil else { return nil }
    self.title = title
  }

  deinit { cfp_preview_close(title) }

  /// Shows the frame with its boxes and labels; returns the key pressed (nil for none).
  public func show(_ image: Image, annotations: [FrameAnnotation]) throws(FaceKitError) -> Int? {
    let pixels = try image.annotatedBGR(annotations)
    var key: Int32 = -1
    var message = [CChar](repeating: 0, count: 256)
    let status = pixels.withUnsafeBufferPointer { bgr in
      cfp_preview_show(title, bgr.baseAddress, Int64(image.width), Int64(image.height), &key, &message, message.count)
    }
    guard status == 0 else {
      throw .engineFailure(
        context: "preview", detail: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return key >= 0 ? Int(key) : nil
  }
}
