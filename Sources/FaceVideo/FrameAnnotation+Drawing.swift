import CFaceKit
import FaceKit
import Foundation

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
  /// The frame as BGR bytes (`width * height * 3`, rows packed) with the boxes and labels drawn on
  /// it, as `VideoWriter` draws them: what the preview window shows, made in one pass.
  public func annotatedBGR(_ annotations: [FrameAnnotation]) throws(FaceKitError) -> [UInt8] {
    let count = width * height * 3
    var failure: FaceKitError?
    let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      do throws(FaceKitError) {
        try native(source) { error in
          FrameAnnotation.withCArray(annotations) {
            cfk_image_annotated_bgr(handle, $0.baseAddress, $0.count, buffer.baseAddress, error)
          }
        }
      } catch {
        failure = error
        buffer.initialize(repeating: 0)
      }
      initialized = count
    }
    if let failure { throw failure }
    return bytes
  }

  /// A copy with the boxes and labels drawn on it.
  public func annotated(_ annotations: [FrameAnnotation]) throws(FaceKitError) -> Image {
    let bgr = try annotatedBGR(annotations)
    let made = bgr.withUnsafeBytes { pixels in
      Result { () throws(FaceKitError) in
        try Image(pixels: pixels, width: width, height: height, bytesPerRow: width * 3, bgr: true, source: source)
      }
    }
    return try made.get()
  }
}
