import CFaceKit
import Foundation

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
