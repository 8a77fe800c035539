import Foundation

/// Figures (quality or liveness, `[String: Double]`) as the compact JSON object the database keeps,
/// keys sorted. Written by hand: the worker stores one per observation, thousands a second, and a
/// JSONEncoder made for each cost more than the rest of the row. Values are finite (`MessageLimits`).
enum FiguresJSON {
  static func text(_ figures: [String: Double]) -> String {
    var out = "{"
    for (index, key) in figures.keys.sorted().enumerated() {
      if index > 0 { out += "," }
      out += quoted(key)
      out += ":"
      let value = figures[key]!
      out += value.isFinite ? (value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)") : "null"
    }
    return out + "}"
  }

  /// A JSON string literal: quotes, backslashes and control characters escaped.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
      }
    }
    return out + "\""
  }
}
