import Foundation

/// Text from a request made safe for a log line: control characters (a line break would forge a
/// whole log line) written as escapes, and the length bounded.
enum LogText {
  static func safe(_ text: some StringProtocol, limit: Int = 64) -> String {
    var out = ""
    for scalar in text.prefix(limit).unicodeScalars {
      if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
        out += String(format: "\\u{%X}", scalar.value)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return text.count > limit ? out + "…" : out
  }
}
