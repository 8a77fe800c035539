import FaceKit
import Foundation

/// The seed scripts' `features_all.csv`: `Roll_No,Name,feature_0,…,feature_127`, one row per person
/// with the mean of their embeddings, for users of the old tools and spreadsheets.
public enum FeaturesCSV {
  /// The CSV text for everyone with at least one embedding of `model`, ordered by id.
  public static func make(store: AttendanceStore, model: EmbeddingModel = .standard) throws -> (text: String, people: Int) {
    let gallery = try Gallery(store: store, model: model)
    var order: [String] = []
    var sums: [String: (name: String, sum: [Double], count: Int)] = [:]
    for entry in gallery.entries {
      if sums[entry.personID] == nil {
        order.append(entry.personID)
        sums[entry.personID] = (entry.name, [Double](repeating: 0, count: FaceDescriptor.dimension), 0)
      }
      for (i, value) in entry.descriptor.values.enumerated() { sums[entry.personID]!.sum[i] += Double(value) }
      sums[entry.personID]!.count += 1
    }
    var text = "Roll_No,Name," + (0..<FaceDescriptor.dimension).map { "feature_\($0)" }.joined(separator: ",") + "\n"
    for id in order {
      guard let person = sums[id] else { continue }
      let means = person.sum.map { String(format: "%.8f", $0 / Double(person.count)) }
      text += field(id) + "," + field(person.name) + "," + means.joined(separator: ",") + "\n"
    }
    return (text, order.count)
  }

  /// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). A leading = + - @
  /// is prefixed with ' so that a spreadsheet does not run a name as a formula.
  public static func field(_ value: String) -> String {
    var value = value
    if let first = value.first, "=+-@".contains(first) { value = "'" + value }
    guard value.contains(where: { ",\"\n\r".contains($0) }) else { return value }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
