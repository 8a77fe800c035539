import Foundation

/// Camera ids: what records and statuses name a camera by.
public enum DeviceID {
  /// Why `id` cannot name a camera, or nil.
  public static func problem(_ id: String) -> String? {
    guard (1...MessageLimits.deviceIDLength).contains(id.count) else {
      return "use 1 to \(MessageLimits.deviceIDLength) characters"
    }
    if id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) {
      return "no spaces or control characters"
    }
    if id.unicodeScalars.contains(where: \.properties.isBidiControl) {
      return "no text-direction controls (such as U+202E)"
    }
    if id == "manual" { return "'manual' is kept for attendance entered by hand" }
    return nil
  }

  /// The id a camera gets when none is given: the host's short name and a short name for the source,
  /// never a path or a URL (which may carry a password): `gate-pc:camera0`, `gate-pc:video0`,
  /// `gate-pc:cam1.local`, `gate-pc:clip` for `/home/me/videos/clip.mp4`.
  public static func defaultID(host: String, source: String) -> String {
    let shortHost = host.split(separator: ".").first.map(String.init) ?? host
    return "\(clean(shortHost.isEmpty ? "camera" : shortHost)):\(clean(sourceName(source)))"
  }

  /// A short name for a source, without credentials or folders.
  public static func sourceName(_ source: String) -> String {
    if Int(source) != nil { return "camera\(source)" }
    if let url = URL(string: source), let scheme = url.scheme, scheme.count > 1, url.host != nil {
      return url.host!
    }
    let name = (source as NSString).lastPathComponent
    let stem = (name as NSString).deletingPathExtension
    return stem.isEmpty ? "source" : stem
  }

  public static func kind(of source: String) -> CameraStatus.SourceKind {
    if Int(source) != nil || source.hasPrefix("/dev/video") { return .camera }
    if let url = URL(string: source), let scheme = url.scheme, scheme.count > 1, url.host != nil { return .stream }
    var folder: ObjCBool = false
    if FileManager.default.fileExists(atPath: source, isDirectory: &folder), folder.boolValue { return .images }
    let images = ["jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff"]
    return images.contains((source as NSString).pathExtension.lowercased()) ? .images : .file
  }

  private static func clean(_ text: String) -> String {
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-"))
    let kept = String(String.UnicodeScalarView(text.unicodeScalars.map { allowed.contains($0) && $0.isASCII ? $0 : "-" }))
    return String(kept.prefix(60))
  }
}
