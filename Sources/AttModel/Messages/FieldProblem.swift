/// A typed field of a message (a time, a day) that is there but cannot be what it says, thrown
/// while the message is decoded: `Message.decode` names the field and the reason.
struct FieldProblem: Error {
  /// The field's path in the message ("captured_at", "faces[2].jpeg").
  let field: String
  let reason: String

  init(_ path: [any CodingKey], _ reason: String) {
    field = FieldProblem.path(path)
    self.reason = reason
  }

  /// A decoder's coding path as a person writes it: `faces[2].jpeg`.
  static func path(_ keys: [any CodingKey]) -> String {
    guard !keys.isEmpty else { return "(message)" }
    return keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(
      of: ".[", with: "[")
  }
}
