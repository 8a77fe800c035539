import Foundation

/// What a running att-take reports every few seconds (`POST /api/devices/status`, or straight into
/// the database of a single-host camera). Never a source URL: only the kind of source.
public struct CameraStatus: Sendable, Codable, Equatable {
  public enum SourceKind: String, Sendable, Codable, CaseIterable {
    /// A local camera (an index or /dev/video*).
    case camera
    /// A network stream (rtsp://, http://).
    case stream
    /// A video file.
    case file
    /// An image or a folder of images.
    case images
  }

  public enum State: String, Sendable, Codable {
    case running
    /// The camera's last report, sent as it stopped.
    case stopped
  }

  public var deviceID: String
  public var name: String?
  public var sourceKind: SourceKind
  public var state: State
  /// Seconds between reports: how soon silence means trouble.
  public var interval: Double
  public var startedAt: Date?
  public var frames: Int
  public var framesPerSecond: Double?
  public var dropped: Int
  public var faces: Int
  public var lastFrameAt: Date?
  public var galleryVersion: String?
  public var galleryPeople: Int?
  /// Where the camera's gallery came from: server, cache (the server was unreachable) or database.
  public var gallerySource: String?

  public init(deviceID: String, name: String?, sourceKind: SourceKind, interval: Double) {
    self.deviceID = deviceID
    self.name = name
    self.sourceKind = sourceKind
    self.state = .running
    self.interval = interval
    frames = 0
    dropped = 0
    faces = 0
  }

  enum CodingKeys: String, CodingKey {
    case deviceID = "device_id"
    case name
    case sourceKind = "source_kind"
    case state, interval
    case startedAt = "started_at"
    case frames
    case framesPerSecond = "frames_per_second"
    case dropped, faces
    case lastFrameAt = "last_frame_at"
    case galleryVersion = "gallery_version"
    case galleryPeople = "gallery_people"
    case gallerySource = "gallery_source"
  }

  /// The first thing wrong with a report, naming the field; nil when it can be kept.
  public func problem() -> String? {
    if let problem = DeviceID.problem(deviceID) { return "device_id: \(problem)" }
    if let name, name.count > 100 || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
      return "name: use at most 100 characters, without control characters"
    }
    guard interval.isFinite, (0.5...3600).contains(interval) else { return "interval: give 0.5 to 3600 seconds" }
    for (field, value) in [("frames", frames), ("dropped", dropped), ("faces", faces), ("gallery_people", galleryPeople ?? 0)]
    where !(0...1_000_000_000_000).contains(value) {
      return "\(field): \(value) is not a count"
    }
    if let fps = framesPerSecond, !(fps.isFinite && (0...1000).contains(fps)) { return "frames_per_second: give 0 to 1000" }
    if let version = galleryVersion, version.count > 100 { return "gallery_version: too long" }
    if let source = gallerySource, !["server", "cache", "database"].contains(source) {
      return "gallery_source: use server, cache or database"
    }
    return nil
  }
}

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

extension CameraStatus {
  /// The JSON a status is sent in: ISO 8601 dates.
  public static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.sortedKeys]
    return encoder
  }

  public static var decoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return decoder
  }
}
