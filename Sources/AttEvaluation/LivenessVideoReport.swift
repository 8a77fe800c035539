import AttendanceKit
import FaceKit
import Foundation

/// APCER per attack type and BPCER per cue setting, over videos.
public struct LivenessVideoReport: Sendable, Codable {
  public struct Row: Sendable, Codable {
    public let setting: String
    /// Cues that never say live: an attack is accepted when they never voted against it, a live
    /// track refused when they did (at any time); no time to a live verdict.
    public let attackOnly: Bool
    /// Per attack type; a type with no video has 0 samples (unmeasured, not 0%).
    public let attacks: [LivenessReport.Row]
    /// Live tracks not judged live within `liveWithin` seconds (BPCER).
    public let live: LivenessReport.Row
    /// Of those, never judged live.
    public let liveNever: Int
    /// Of those, voted an attack (a live person refused, not only slow to show it).
    public let liveVotedAttack: Int
    /// The median time to a live verdict of the live tracks judged live (`median(ofSorted:)`).
    public let medianLiveAfter: Double?

    // snake_case, as every JSON att writes.
    enum CodingKeys: String, CodingKey {
      case setting, attacks, live
      case attackOnly = "attack_only"
      case liveNever = "live_never"
      case liveVotedAttack = "live_voted_attack"
      case medianLiveAfter = "median_live_after"
    }
  }

  /// The median of `sorted` (ascending): its middle value, or the mean of its two middle values
  /// when the count is even; nil when it is empty. (Until 2026-12-07 the report took the upper of
  /// the two, which overstated the time to a live verdict of an even count of tracks.)
  public static func median(ofSorted sorted: [Double]) -> Double? {
    guard !sorted.isEmpty else { return nil }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
  public let liveWithin: Double
  public let rows: [Row]
  public let videos: Int
  /// Live recordings in which no face was tracked long and large enough to judge: in none of the
  /// BPCER figures, though a person in front of the camera who is only seen so is never marked (a
  /// failure to acquire, reported apart as ISO/IEC 30107-3 does).
  public var liveUntracked: [String] = []
  /// Attack recordings in which no face was tracked: they test nothing, and are in no APCER.
  public var attacksUntracked: [String] = []
  /// Live recordings scored.
  public var liveRecordings = 0
  /// Recordings that could not be read (named on stderr with why): in no figure.
  public var notScored: [String] = []

  enum CodingKeys: String, CodingKey {
    case rows, videos
    case liveWithin = "live_within_seconds"
    case liveUntracked = "live_untracked"
    case attacksUntracked = "attacks_untracked"
    case liveRecordings = "live_recordings"
    case notScored = "not_scored"
  }

  public init(liveWithin: Double, rows: [Row], videos: Int) {
    self.liveWithin = liveWithin
    self.rows = rows
    self.videos = videos
  }

  /// A row's BPCER: "7.7% (2/26, 1 never)", with how many were voted attacks when any were; for a
  /// cue that never says live, the live tracks it refused.
  static func bpcerCell(_ row: Row) -> String {
    guard row.live.samples > 0 else { return "no live tracks" }
    if row.attackOnly {
      return String(format: "%.1f%% (%d/%d refused)", row.live.rate * 100, row.live.errors, row.live.samples)
    }
    return String(format: "%.1f%% (%d/%d, %d never", row.live.rate * 100, row.live.errors, row.live.samples, row.liveNever)
      + (row.liveVotedAttack > 0 ? ", \(row.liveVotedAttack) voted attack)" : ")")
  }

  public var text: String {
    let kinds = rows.first?.attacks.map(\.kind) ?? []
    func padded(_ text: String, _ width: Int, left: Bool = false) -> String {
      let pad = String(repeating: " ", count: max(0, width - text.count))
      return left ? text + pad : pad + text
    }
    let settingWidth = max(24, (rows.map(\.setting.count).max() ?? 0) + 1)
    let live = rows.map(Self.bpcerCell)
    let liveWidth = max(24, live.map(\.count).max() ?? 0)
    var header = padded("cues", settingWidth, left: true)
    for kind in kinds { header += " " + padded("APCER \(kind)", 21) }
    header += " " + padded("BPCER (\(Int(liveWithin)) s)", liveWidth) + " " + padded("live after", 12)
    var lines = [header]
    for (row, live) in zip(rows, live) {
      var line = padded(row.setting, settingWidth, left: true)
      for a in row.attacks {
        line +=
          " " + padded(a.samples == 0 ? "no videos" : String(format: "%.1f%% (%d/%d)", a.rate * 100, a.errors, a.samples), 21)
      }
      line += " " + padded(live, liveWidth)
      line += " " + padded(row.attackOnly ? "attack only" : row.medianLiveAfter.map { String(format: "%.2f s", $0) } ?? "-", 12)
      lines.append(line)
    }
    lines.append(
      "(APCER: the attack videos in which a face was ever judged live. BPCER: the live tracks not judged live within "
        + "\(Int(liveWithin)) s of their first frame, of those long enough to count; never: not judged live at all; voted "
        + "attack: refused. live after: the median time from a live track's first frame to its live verdict.)")
    if rows.contains(where: \.attackOnly) {
      lines.append(
        "(attack only: cues that never say live, alone. An attack counts as accepted when they never voted against it, "
          + "a live track as refused when they did, at any time.)")
    }
    if let empty = rows.first?.attacks.filter({ $0.samples == 0 }).map(\.kind), !empty.isEmpty {
      lines.append(
        "(no videos: no recording of a \(empty.joined(separator: " or ")) attack was scored, so its APCER is unmeasured, not 0.)")
    }
    if !liveUntracked.isEmpty {
      lines.append(
        "(untracked: \(liveUntracked.count) of \(liveRecordings) live recordings had no face tracked long and large enough "
          + "to judge (\(liveUntracked.joined(separator: ", "))): they are in no BPCER, and a person seen only so is never "
          + "marked. Far or brief faces are; a face in front of the camera that is not means the recording is unreadable.)")
    }
    if !attacksUntracked.isEmpty {
      lines.append(
        "(untracked: \(attacksUntracked.count) attack recording\(attacksUntracked.count == 1 ? "" : "s") had no face "
          + "tracked (\(attacksUntracked.joined(separator: ", "))): they test nothing and are in no APCER.)")
    }
    return lines.joined(separator: "\n")
  }
}
