import Foundation

/// JSON output for scripts: one object per line, keys sorted, slashes left alone.
public enum JSONText {
  public static func encode(_ value: some Encodable) throws -> String {
    // The one encoding (JSONEncoder.att); a tool's figures may be infinite, written as text.
    let encoder = JSONEncoder.att
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }
}
