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

extension Image {
  /// A copy with the boxes and labels drawn on it, as `VideoWriter` draws them.
  public func annotated(_ annotations: [FrameAnnotation]) throws(FaceKitError) -> Image {
    var drawn: OpaquePointer?
    try native(source) { error in
      FrameAnnotation.withCArray(annotations) { cfk_image_annotated(handle, $0.baseAddress, $0.count, &drawn, error) }
    }
    return Image.wrap(drawn!, source: source)
  }
}
