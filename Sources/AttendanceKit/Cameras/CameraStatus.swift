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

  /// The liveness policy a camera runs (att-take --liveness-policy).
  public enum LivenessPolicy: String, Sendable, Codable {
    case gate, kiosk
    /// Liveness off: a photo or a screen held up is marked (tests only).
    case off
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
  /// The camera's liveness policy.
  public var livenessPolicy: LivenessPolicy?
  /// What the policy uses, as att-take says it at start: "blink + device + motion + screen", with a
  /// kiosk's challenge and a site's own lines.
  public var livenessCues: String?

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
    case livenessPolicy = "liveness_policy"
    case livenessCues = "liveness_cues"
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
    if let cues = livenessCues,
      cues.count > 200 || cues.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    {
      return "liveness_cues: use at most 200 characters, without control characters"
    }
    return nil
  }
}

extension CameraStatus {
  /// The JSON a status is sent in: the one encoding (ISO 8601 dates).
  public static var encoder: JSONEncoder { .att }

  public static var decoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return decoder
  }
}
