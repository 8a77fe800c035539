import Foundation

extension JSONEncoder {
  /// The one encoding every output of att uses: ISO 8601 dates, keys in a stable order, slashes as
  /// they are. Field names are spelled by each type's CodingKeys.
  public static var att: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }
}
