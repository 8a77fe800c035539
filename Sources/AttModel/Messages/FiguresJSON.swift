import FaceKit

/// Figures (quality or liveness, `[String: Double]`) as the compact JSON object the database keeps,
/// keys sorted, through FaceKit's `JSONLine`: the worker stores one per observation, thousands a
/// second, and needs no JSONEncoder made for each.
package enum FiguresJSON {
  package static func text(_ figures: [String: Double]) -> String {
    var line = JSONLine()
    for key in figures.keys.sorted() { line.add(key, figures[key]!) }
    return line.text
  }
}
