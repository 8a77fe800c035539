import CFaceKit
import Foundation

/// How much a face looks like one shown on a screen (`cfk_screen_look`): `moire`, the strongest
/// periodic component of the skin's fine texture against its band's median (a display's pixel grid
/// aliasing with the camera's); `blackLift`, the face box's 2nd-percentile grey level above the
/// whole frame's (a backlight). Nil when the face is too small (its middle under 32x32 pixels).
public struct ScreenLook: Sendable, Equatable {
  public let moire: Double
  public let blackLift: Double

  public static func of(_ image: Image, box: FaceBox) throws(FaceKitError) -> ScreenLook? {
    var result = cfk_screen_look_result()
    try native(image.source) { cfk_screen_look(image.handle, box.inclusiveRect, &result, $0) }
    return result.moire < 0 ? nil : ScreenLook(moire: result.moire, blackLift: result.black_lift)
  }
}
