import Foundation
import GRDB

/// A camera as the dashboard and `/api/devices` show it: the name and location an admin gave it,
/// and its newest status report, judged online, stale or offline by its age.
public struct CameraView: Sendable, Codable, Equatable {
  public enum State: String, Sendable, Codable {
    /// Reported within three of its intervals (and 2 s).
    case online
    /// Silent for longer, up to 10 minutes: killed, hung, or cut off from the server.
    case stale
    /// Stopped (its last report said so), or silent for more than 10 minutes.
    case offline
    /// Known from attendance records only: it never reported a status (an older att-take).
    case unreported = "no status"
  }

  public let id: String
  /// The admin's name for it, else the name it reported, else its id.
  public let name: String
  public let location: String?
  public let state: State
  public let status: CameraStatus?
  public let reportedBy: String?
  public let lastReportAt: Date?
  /// The last attendance or unknown face it sent.
  public let lastSeenAt: Date?
  public let records: Int

  enum CodingKeys: String, CodingKey {
    case id, name, location, state, status
    case reportedBy = "reported_by"
    case lastReportAt = "last_report_at"
    case lastSeenAt = "last_seen_at"
    case records
  }

  /// How a report of `age` seconds, sent every `interval` seconds, is judged.
  public static func state(of status: CameraStatus?, age: Double) -> State {
    guard let status else { return .unreported }
    if status.state == .stopped || age > 600 { return .offline }
    return age <= 3 * status.interval + 2 ? .online : .stale
  }
}

extension AttendanceStore {
  /// A camera id reported by another camera token than the one it belongs to.
  public struct CameraClaimed: Error, CustomStringConvertible {
    public let deviceID: String
    public let owner: String
    public var description: String {
      "camera '\(deviceID)' reports with the token '\(owner)'; give this camera another --device, or revoke that token first"
    }
  }

  /// The most camera ids a token not bound to ids may report for.
  public static let devicesPerToken = 16

  /// The reporter of a camera that has the database itself (att-take in direct mode), not a token.
  public static let localReporter = "local"

  /// A status the reporting token may not give, with the reason.
  public struct CameraNotAllowed: Error, CustomStringConvertible {
    public let deviceID: String
    public let token: String
    public let reason: String
    public var description: String { "the token '\(token)' may not report for camera '\(deviceID)': \(reason)" }
  }

  /// Keeps `status` as the camera's newest (replacing the one before), and makes sure the camera is
  /// known, so that an admin can name it before it records anyone. A camera id belongs to the token
  /// that first reported it while that token exists: one camera's token cannot speak for another.
  public func saveCameraStatus(_ status: CameraStatus, reportedBy: String, at now: Date = Date()) throws {
    try writer.write { db in
      // A token bound to ids (att-serve token add --device) reports for those only; an id bound to
      // a token is that token's; an unbound token may claim at most `devicesPerToken` ids. The cap is
      // for a token's holder, who might make up ids: a camera with the database itself (each source
      // run without --device is a camera id of its own, vm:clip) may write anything anyway.
      let bound = try String.fetchAll(
        db, sql: "SELECT device_id FROM token_devices WHERE token_name = ?", arguments: [reportedBy])
      if !bound.isEmpty, !bound.contains(status.deviceID) {
        throw CameraNotAllowed(
          deviceID: status.deviceID, token: reportedBy, reason: "it may report for \(bound.joined(separator: ", ")) only")
      }
      if bound.isEmpty {
        if let owner = try String.fetchOne(
          db, sql: "SELECT token_name FROM token_devices WHERE device_id = ?", arguments: [status.deviceID])
        {
          throw CameraNotAllowed(deviceID: status.deviceID, token: reportedBy, reason: "that id is bound to the token '\(owner)'")
        }
        let claimed = try String.fetchAll(
          db, sql: "SELECT device_id FROM camera_status WHERE reported_by = ?", arguments: [reportedBy])
        if !claimed.contains(status.deviceID), claimed.count >= Self.devicesPerToken,
          try APIToken.exists(db, key: reportedBy)
        {
          throw CameraNotAllowed(
            deviceID: status.deviceID, token: reportedBy,
            reason: "it already reports for \(claimed.count) cameras, the most one token may (bind it with --device)")
        }
      }
      if let owner = try String.fetchOne(
        db, sql: "SELECT reported_by FROM camera_status WHERE device_id = ?", arguments: [status.deviceID]),
        owner != reportedBy,
        try Bool.fetchOne(db, sql: "SELECT 1 FROM api_tokens WHERE name = ? AND role = 'camera'", arguments: [owner]) == true
      {
        throw CameraClaimed(deviceID: status.deviceID, owner: owner)
      }
      try db.execute(sql: "INSERT INTO devices (id) VALUES (?) ON CONFLICT(id) DO NOTHING", arguments: [status.deviceID])
      try db.execute(
        sql: """
          INSERT OR REPLACE INTO camera_status (device_id, reported_by, name, source_kind, state, interval, started_at, frames,
            frames_per_second, dropped, faces, last_frame_at, gallery_version, gallery_people, gallery_source, liveness_policy,
            liveness_cues, received_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          status.deviceID, reportedBy, status.name, status.sourceKind.rawValue, status.state.rawValue, status.interval,
          status.startedAt, status.frames, status.framesPerSecond, status.dropped, status.faces, status.lastFrameAt,
          status.galleryVersion, status.galleryPeople, status.gallerySource, status.livenessPolicy?.rawValue, status.livenessCues,
          now,
        ])
    }
  }

  /// Every camera: those that reported a status and those known from their records ("manual", the
  /// records entered by hand, is not a camera).
  public func cameras(now: Date = Date()) throws -> [CameraView] {
    try writer.read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT d.id, d.name AS given_name, d.location, d.last_seen_at,
                 (SELECT count(*) FROM attendance a WHERE a.device_id = d.id) AS records, c.*
          FROM devices d LEFT JOIN camera_status c ON c.device_id = d.id
          WHERE d.id != 'manual' ORDER BY d.id
          """
      ).map { row in
        var status: CameraStatus?
        let received: Date? = row["received_at"]
        if received != nil, let kind = CameraStatus.SourceKind(rawValue: row["source_kind"]) {
          var s = CameraStatus(deviceID: row["id"], name: row["name"], sourceKind: kind, interval: row["interval"])
          s.state = CameraStatus.State(rawValue: row["state"]) ?? .running
          s.startedAt = row["started_at"]
          s.frames = row["frames"]
          s.framesPerSecond = row["frames_per_second"]
          s.dropped = row["dropped"]
          s.faces = row["faces"]
          s.lastFrameAt = row["last_frame_at"]
          s.galleryVersion = row["gallery_version"]
          s.galleryPeople = row["gallery_people"]
          s.gallerySource = row["gallery_source"]
          s.livenessPolicy = (row["liveness_policy"] as String?).flatMap(CameraStatus.LivenessPolicy.init(rawValue:))
          s.livenessCues = row["liveness_cues"]
          status = s
        }
        let id: String = row["id"]
        let given: String? = row["given_name"]
        return CameraView(
          id: id, name: given ?? status?.name ?? id, location: row["location"],
          state: CameraView.state(of: status, age: received.map { now.timeIntervalSince($0) } ?? .infinity), status: status,
          reportedBy: row["reported_by"], lastReportAt: received, lastSeenAt: row["last_seen_at"], records: row["records"])
      }
    }
  }

  /// Gives a camera a name and a location (nil leaves one as it is, "" clears it), with the audit
  /// record in the same transaction. False when there is no such camera.
  public func describeCamera(_ id: String, name: String?, location: String?, actor: String, at now: Date = Date()) throws -> Bool
  {
    try writer.write { db in
      guard let before = try Row.fetchOne(db, sql: "SELECT name, location FROM devices WHERE id = ?", arguments: [id]) else {
        return false
      }
      let newName = name.map { $0.isEmpty ? nil : $0 } ?? (before["name"] as String?)
      let newLocation = location.map { $0.isEmpty ? nil : $0 } ?? (before["location"] as String?)
      try db.execute(sql: "UPDATE devices SET name = ?, location = ? WHERE id = ?", arguments: [newName, newLocation, id])
      try StoreTransaction(db: db).audit(
        actor: actor, action: "camera described", target: id, ["name": newName ?? "", "location": newLocation ?? ""], at: now)
      return true
    }
  }
}
