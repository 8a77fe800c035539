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
