import Foundation

/// Rules for the ids and names people are enrolled under. Ids become folder names under `media/`,
/// so they must not be able to leave it; names are kept exactly as typed (any script, any case).
public enum PersonIdentity {
  /// Checks an operator-chosen id such as `21CS001`: 1-64 letters, digits, '-', '_' or '.', not starting with '.'.
  public static func validate(id: String) -> String? {
    if id.isEmpty { return "person id is empty" }
    if id.count > 64 { return "person id '\(id.prefix(20))…' is longer than 64 characters" }
    if id.hasPrefix(".") { return "person id '\(id)' starts with '.'" }
    let allowed = id.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
    }
    return allowed ? nil : "person id '\(id)' may hold only letters A-Z, digits, '-', '_' and '.'"
  }

  /// Checks a display name: not blank, at most 200 characters, no control characters.
  public static func validate(name: String) -> String? {
    if name.trimmingCharacters(in: .whitespaces).isEmpty { return "name is empty" }
    if name.count > 200 { return "name is longer than 200 characters" }
    if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
      return "name contains control characters"
    }
    if name.unicodeScalars.contains(where: \.properties.isBidiControl) {
      return "name contains a text-direction control (such as U+202E), which can disguise how it reads"
    }
    return nil
  }
}
