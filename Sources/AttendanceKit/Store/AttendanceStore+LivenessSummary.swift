import Foundation
import GRDB

/// What liveness did at a site over a range of days, counted from the records and from what
/// reviewers made of them: the site's own measure of it. A live pupil liveness refused is found
/// when a reviewer marks them present from the refusal; a phone or photo that got through, when a
/// reviewer deletes the camera's mark (with `att-take --snapshots`, the arrival's face is there to
/// check). Counts only what was reviewed: an unreviewed refusal is open, a mark nobody checked is a
/// mark.
public struct LivenessSummary: Sendable, Codable, Equatable {
  /// The refusals of one verdict, by what became of them.
  public struct Refusals: Sendable, Codable, Equatable {
    public var total = 0
    /// A reviewer marked the person present: a live person refused by mistake.
    public var markedPresent = 0
    /// A reviewer dismissed it: an attack, or nothing to mark.
    public var dismissed = 0
    /// Not reviewed, and the person was marked that day since (by a camera or by hand).
    public var markedSince = 0
    /// Not reviewed, and the person has no record that day.
    public var open = 0

    enum CodingKeys: String, CodingKey {
      case total, dismissed, open
      case markedPresent = "marked_present"
      case markedSince = "marked_since"
    }
  }

  /// Why a number of camera marks were judged live.
  public struct Reason: Sendable, Codable, Equatable {
    public let reason: String
    public let count: Int
  }

  /// One camera's share: a camera in poor light, or aimed where faces are small, refuses more live
  /// people than the others (its own lines: `att-liveness eval-video --real --write-lines`).
  public struct Camera: Sendable, Codable, Equatable {
    public let deviceID: String
    public var cameraMarks = 0
    /// Those judged live by liveness (not by a camera running with it off).
    public var liveJudged = 0
    public var cameraMarksDeleted = 0
    /// Recognised faces it did not mark, of any verdict.
    public var refusals = 0
    /// Those a reviewer marked present.
    public var liveRefused = 0

    public init(deviceID: String) { self.deviceID = deviceID }

    enum CodingKeys: String, CodingKey {
      case refusals
      case deviceID = "device_id"
      case cameraMarks = "camera_marks"
      case liveJudged = "live_judged"
      case cameraMarksDeleted = "camera_marks_deleted"
      case liveRefused = "live_refused"
    }
  }

  public let from: String
  public let to: String
  public let classID: String?
  /// Arrivals ('in') the cameras marked, as kept (marks by hand not counted).
  public let cameraMarks: Int
  /// The camera marks by why they were judged live ("live: solid head motion"), most first;
  /// "liveness off" for a camera that ran without it, "not recorded" for records from before the
  /// reason was kept.
  public let markedBecause: [Reason]
  /// Camera marks a reviewer deleted: someone else, or a phone or photo held up that got through.
  public let cameraMarksDeleted: Int
  /// Recognised faces liveness did not mark, by verdict (spoof, challenge_failed, not_marked).
  public let refusals: [String: Refusals]
  /// The same by camera, ordered by id.
  public let cameras: [Camera]
  /// Live people refused: refusals a reviewer marked present.
  public var liveRefused: Int { refusals.values.reduce(0) { $0 + $1.markedPresent } }
  /// The camera marks judged live by liveness: not those of a camera running with it off.
  public var liveJudged: Int { cameraMarks - (markedBecause.first { $0.reason == "liveness off" }?.count ?? 0) }
  /// The live people refused among the live people liveness judged: `liveRefused` over it plus
  /// `liveJudged`; nil when there were neither.
  public var liveRefusedRate: Double? {
    liveJudged + liveRefused == 0 ? nil : Double(liveRefused) / Double(liveJudged + liveRefused)
  }

  enum CodingKeys: String, CodingKey {
    case from, to, refusals, cameras
    case classID = "class_id"
    case cameraMarks = "camera_marks"
    case markedBecause = "marked_because"
    case cameraMarksDeleted = "camera_marks_deleted"
    case liveRefused = "live_refused"
    case liveJudged = "live_judged"
    case liveRefusedRate = "live_refused_rate"
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(from, forKey: .from)
    try c.encode(to, forKey: .to)
    try c.encode(classID, forKey: .classID)
    try c.encode(cameraMarks, forKey: .cameraMarks)
    try c.encode(markedBecause, forKey: .markedBecause)
    try c.encode(cameraMarksDeleted, forKey: .cameraMarksDeleted)
    try c.encode(refusals, forKey: .refusals)
    try c.encode(cameras, forKey: .cameras)
    try c.encode(liveRefused, forKey: .liveRefused)
    try c.encode(liveJudged, forKey: .liveJudged)
    try c.encode(liveRefusedRate, forKey: .liveRefusedRate)
  }

  public init(
    from: String, to: String, classID: String?, cameraMarks: Int, markedBecause: [Reason], cameraMarksDeleted: Int,
    refusals: [String: Refusals], cameras: [Camera] = []
  ) {
    self.from = from
    self.to = to
    self.classID = classID
    self.cameraMarks = cameraMarks
    self.markedBecause = markedBecause
    self.cameraMarksDeleted = cameraMarksDeleted
    self.refusals = refusals
    self.cameras = cameras
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      from: try c.decode(String.self, forKey: .from), to: try c.decode(String.self, forKey: .to),
      classID: try c.decodeIfPresent(String.self, forKey: .classID), cameraMarks: try c.decode(Int.self, forKey: .cameraMarks),
      markedBecause: try c.decode([Reason].self, forKey: .markedBecause),
      cameraMarksDeleted: try c.decode(Int.self, forKey: .cameraMarksDeleted),
      refusals: try c.decode([String: Refusals].self, forKey: .refusals),
      cameras: try c.decodeIfPresent([Camera].self, forKey: .cameras) ?? [])
  }
}

extension AttendanceStore {
  /// What liveness did from `from` to `to` (local days, arrivals), for the members of `classID`
  /// when given (a class's records and its members' at cameras without a class, as the register
  /// counts them; its members' refusals).
  public func livenessSummary(from: Day, to: Day, classID: String? = nil) throws -> LivenessSummary {
    try reader { db in
      var arguments = StatementArguments()
      let filter = AttendanceFilter(from: from, to: to, classID: classID).clause(&arguments)
      // A camera's mark: no one marked it by hand ('manual' is how marks by hand were once kept).
      var cameras: [String: LivenessSummary.Camera] = [:]
      func camera(_ id: String?, _ change: (inout LivenessSummary.Camera) -> Void) {
        guard let id else { return }
        change(&cameras[id, default: LivenessSummary.Camera(deviceID: id)])
      }
      let markRows = try Row.fetchAll(
        db,
        sql: """
          SELECT a.device_id, CASE WHEN a.liveness = 'off' THEN 'liveness off'
                                   ELSE coalesce(a.liveness_reason, 'not recorded') END AS reason, count(*) AS n
          FROM attendance a
          WHERE \(filter) AND a.direction = 'in' AND a.marked_by IS NULL AND a.device_id IS NOT NULL
            AND a.device_id != 'manual'
          GROUP BY 1, 2
          """, arguments: arguments)
      var reasons: [String: Int] = [:]
      for row in markRows {
        let n: Int = row["n"]
        reasons[row["reason"], default: 0] += n
        let judged = row["reason"] as String != "liveness off"
        camera(row["device_id"]) {
          $0.cameraMarks += n
          if judged { $0.liveJudged += n }
        }
      }
      let marks = reasons.map { LivenessSummary.Reason(reason: $0.key, count: $0.value) }.sorted {
        ($0.count, $1.reason) > ($1.count, $0.reason)
      }
      // The audit row of a deleted record names its camera, day and class (empty for none).
      var deleted = 0
      for row in try Row.fetchAll(
        db,
        sql: """
          SELECT json_extract(details, '$.device_id') AS device_id, count(*) AS n FROM audit_log
          WHERE action = 'attendance deleted'
            AND coalesce(json_extract(details, '$.device_id'), '') NOT IN ('', 'manual')
            AND json_extract(details, '$.day') BETWEEN ? AND ?
            AND (? IS NULL OR json_extract(details, '$.class_id') = ?
                 OR (coalesce(json_extract(details, '$.class_id'), '') = ''
                     AND target IN (SELECT person_id FROM class_members WHERE class_id = ?)))
          GROUP BY 1
          """, arguments: [from.text, to.text, classID, classID, classID])
      {
        let n: Int = row["n"]
        deleted += n
        camera(row["device_id"]) { $0.cameraMarksDeleted += n }
      }
      var refusals: [String: LivenessSummary.Refusals] = [:]
      for row in try Row.fetchAll(
        db,
        sql: """
          SELECT r.device_id, r.verdict, r.resolution, \(Self.markedThatDay) AS present, count(*) AS n
          FROM liveness_refusals r
          WHERE r.local_day BETWEEN ? AND ? AND r.direction = 'in'
            AND (? IS NULL OR r.person_id IN (SELECT person_id FROM class_members WHERE class_id = ?))
          GROUP BY 1, 2, 3, 4
          """, arguments: [from.text, to.text, classID, classID])
      {
        let n: Int = row["n"]
        let resolution: String? = row["resolution"]
        let present: Bool = row["present"]
        var counts = refusals[row["verdict"], default: LivenessSummary.Refusals()]
        counts.total += n
        switch resolution {
        case "present": counts.markedPresent += n
        case "dismissed": counts.dismissed += n
        default: if present { counts.markedSince += n } else { counts.open += n }
        }
        refusals[row["verdict"]] = counts
        camera(row["device_id"]) {
          $0.refusals += n
          if resolution == "present" { $0.liveRefused += n }
        }
      }
      return LivenessSummary(
        from: from.text, to: to.text, classID: classID, cameraMarks: marks.reduce(0) { $0 + $1.count }, markedBecause: marks,
        cameraMarksDeleted: deleted, refusals: refusals, cameras: cameras.values.sorted { $0.deviceID < $1.deviceID })
    }
  }
}
