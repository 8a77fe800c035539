import Foundation

/// The names att-take gives the crops it saves under `--snapshots DIR`: `KIND-XXXXXXXX.jpg`, where
/// KIND is `unknown`, the person's id (a marked face), `refused-ID` or `unmarked-ID`, and XXXXXXXX
/// eight hexadecimal digits. Only files so named are ever deleted by att (the camera's retention,
/// and a person's erasure on the machine that holds the folder), whatever path a message names.
public enum CameraCropName {
  /// Whether `path`'s file name is a crop att-take saved (any kind).
  public static func isCrop(_ path: String) -> Bool {
    kind(of: path) != nil
  }

  /// Whether `path`'s file name is a crop att-take saved of this person (marked, refused or never
  /// judged live).
  public static func isCrop(_ path: String, of personID: String) -> Bool {
    guard let kind = kind(of: path) else { return false }
    return kind == personID || kind == "refused-\(personID)" || kind == "unmarked-\(personID)"
  }

  /// The KIND of a crop's file name, or nil when it is not one.
  static func kind(of path: String) -> String? {
    let name = (path as NSString).lastPathComponent
    guard name.hasSuffix(".jpg"), name.count > 13 else { return nil }
    let stem = name.dropLast(4)
    let suffix = stem.suffix(9)
    guard suffix.first == "-", suffix.dropFirst().allSatisfy(\.isHexDigit) else { return nil }
    let kind = String(stem.dropLast(9))
    return kind.isEmpty ? nil : kind
  }
}
