import AttendanceKit
import FaceKit
import Foundation

/// ISO/IEC 30107-3 figures for the passive cue: APCER per attack type (attacks accepted as live) and
/// BPCER (live faces refused), at the model's threshold.
public struct LivenessReport: Sendable, Codable {
  public struct Row: Sendable, Codable {
    public let kind: String
    public let samples: Int
    /// Attacks accepted (APCER) or live faces refused (BPCER).
    public let errors: Int
    public var rate: Double { samples == 0 ? 0 : Double(errors) / Double(samples) }
  }
  public let threshold: Float
  public let split: String
  public let attacks: [Row]
  public let live: Row

  public static func evaluate(
    model: TextureModel, samples: [(LivenessSample, [Float])], split: LivenessSample.Split
  ) -> LivenessReport {
    let chosen = samples.filter { $0.0.split == split }
    func row(_ kind: LivenessSample.Kind) -> Row {
      let items = chosen.filter { $0.0.kind == kind }
      let errors = items.filter { (model.liveProbability($0.1) >= model.threshold) != (kind == .live) }.count
      return Row(kind: kind.rawValue, samples: items.count, errors: errors)
    }
    return LivenessReport(
      threshold: model.threshold, split: split.rawValue, attacks: [row(.print), row(.screen)], live: row(.live))
  }

  /// A table for people.
  public var text: String {
    var lines = ["\(split) set, threshold P(live) >= \(String(format: "%.3f", threshold))"]
    lines.append("  kind      samples  errors  rate")
    for a in attacks {
      lines.append(
        String(format: "  %-8@ %8d %7d  APCER %5.1f%%", a.kind as NSString, a.samples, a.errors, a.rate * 100))
    }
    lines.append(String(format: "  %-8@ %8d %7d  BPCER %5.1f%%", "live" as NSString, live.samples, live.errors, live.rate * 100))
    return lines.joined(separator: "\n")
  }
}
