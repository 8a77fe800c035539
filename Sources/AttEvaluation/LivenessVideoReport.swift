import AttendanceKit
import FaceKit
import Foundation

/// APCER per attack type and BPCER per cue setting, over videos.
public struct LivenessVideoReport: Sendable, Codable {
  public struct Row: Sendable, Codable {
    public let setting: String
    public let attacks: [LivenessReport.Row]
    /// Live tracks not judged live within `liveWithin` seconds (BPCER).
    public let live: LivenessReport.Row
    /// Of those, never judged live.
    public let liveNever: Int
    public let medianLiveAfter: Double?
  }
  public let liveWithin: Double
  public let rows: [Row]
  public let videos: Int

  public var text: String {
    let kinds = rows.first?.attacks.map(\.kind) ?? []
    func padded(_ text: String, _ width: Int, left: Bool = false) -> String {
      let pad = String(repeating: " ", count: max(0, width - text.count))
      return left ? text + pad : pad + text
    }
    let settingWidth = max(24, (rows.map(\.setting.count).max() ?? 0) + 1)
    var header = padded("cues", settingWidth, left: true)
    for kind in kinds { header += " " + padded("APCER \(kind)", 21) }
    header += " " + padded("BPCER (\(Int(liveWithin)) s)", 24) + " " + padded("live after", 12)
    var lines = [header]
    for row in rows {
      var line = padded(row.setting, settingWidth, left: true)
      for a in row.attacks { line += " " + padded(String(format: "%.1f%% (%d/%d)", a.rate * 100, a.errors, a.samples), 21) }
      line +=
        " "
        + padded(
          String(format: "%.1f%% (%d/%d, %d never)", row.live.rate * 100, row.live.errors, row.live.samples, row.liveNever), 24)
      line += " " + padded(row.medianLiveAfter.map { String(format: "%.2f s", $0) } ?? "-", 12)
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }
}
