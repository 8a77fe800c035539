/// Builds one JSON object as text with its keys in the order they are added: JSON lines that read
/// file-first for a person and diff cleanly, which Foundation's encoder does not promise on Linux.
public struct JSONLine: Sendable {
  private var body = "{"
  private var empty = true

  public init() {}

  private mutating func key(_ name: String) {
    if !empty { body += "," }
    empty = false
    JSONLine.appendString(name, to: &body)
    body += ":"
  }

  public mutating func add(_ name: String, _ value: String) {
    key(name)
    JSONLine.appendString(value, to: &body)
  }

  public mutating func add(_ name: String, _ value: Int) {
    key(name)
    body += String(value)
  }

  /// Doubles are written with enough digits to round-trip; non-finite values become null.
  public mutating func add(_ name: String, _ value: Double) {
    key(name)
    body += value.isFinite ? "\(value)" : "null"
  }

  public mutating func add(_ name: String, _ values: [Float]) {
    key(name)
    body += "["
    body += values.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",")
    body += "]"
  }

  public mutating func add(_ name: String, _ values: [Int]) {
    key(name)
    body += "[" + values.map(String.init).joined(separator: ",") + "]"
  }

  /// Adds an array of nested objects.
  public mutating func add(_ name: String, objects: [JSONLine]) {
    key(name)
    body += "[" + objects.map(\.text).joined(separator: ",") + "]"
  }

  /// The finished object, without a newline.
  public var text: String { body + "}" }

  static func appendString(_ value: String, to text: inout String) {
    text += "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": text += "\\\""
      case "\\": text += "\\\\"
      case "\n": text += "\\n"
      case "\r": text += "\\r"
      case "\t": text += "\\t"
      case _ where scalar.value < 0x20:
        text +=
          "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
          + String(scalar.value, radix: 16)
      default: text.unicodeScalars.append(scalar)
      }
    }
    text += "\""
  }
}
