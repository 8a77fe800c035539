import Foundation

/// The people in a folder tree for bulk import, one subfolder each, in one of three layouts:
/// `<id>_<name>/` (the id holds a digit, e.g. `21CS001_Asha Rao`), the seed scripts'
/// `person_<n>_<name>/`, or `<name>/` (the folder name is the id, its words the name).
public struct PersonFolders {
  public enum Layout: String, Sendable, CaseIterable {
    /// Decide per folder: seed layout, then `<id>_<name>` when the part before `_` holds a digit, else `<name>`.
    case auto
    case idName = "id_name"
    case name
    case seed
  }

  /// One person's folder.
  public struct Entry: Sendable, Equatable {
    public let folder: String
    public let personID: String
    public let name: String
  }

  /// The people under `root`, in name order; folders whose id or name is invalid come back in
  /// `refused` with the reason, hidden folders are left out.
  public static func scan(_ root: String, layout: Layout) throws -> (people: [Entry], refused: [(folder: String, reason: String)])
  {
    var people: [Entry] = []
    var refused: [(String, String)] = []
    let names = try FileManager.default.contentsOfDirectory(atPath: root).sorted {
      $0.localizedStandardCompare($1) == .orderedAscending
    }
    for folderName in names where !folderName.hasPrefix(".") {
      let path = "\(root)/\(folderName)"
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
      guard let (id, name) = parse(folderName, layout: layout) else {
        refused.append((path, "folder name does not follow the \(layout.rawValue) layout"))
        continue
      }
      if let problem = PersonIdentity.validate(id: id) ?? PersonIdentity.validate(name: name) {
        refused.append((path, problem))
        continue
      }
      people.append(Entry(folder: path, personID: id, name: name))
    }
    return (people, refused)
  }

  /// The id and name a folder name gives in `layout`.
  static func parse(_ folder: String, layout: Layout) -> (id: String, name: String)? {
    func words(_ s: Substring) -> String { s.replacingOccurrences(of: "_", with: " ").trimmingCharacters(in: .whitespaces) }
    let parts = folder.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
    let seed = folder.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
    let isSeed = seed.count == 3 && seed[0] == "person" && !seed[1].isEmpty && seed[1].allSatisfy(\.isNumber)
    switch layout {
    case .seed:
      guard isSeed else { return nil }
      return ("person_\(seed[1])", words(seed[2]).isEmpty ? "person \(seed[1])" : words(seed[2]))
    case .idName:
      guard parts.count == 2, !parts[0].isEmpty, !words(parts[1]).isEmpty else { return nil }
      return (String(parts[0]), words(parts[1]))
    case .name:
      return (folder, words(folder[...]))
    case .auto:
      if isSeed { return parse(folder, layout: .seed) }
      if parts.count == 2, parts[0].contains(where: \.isNumber) { return parse(folder, layout: .idName) }
      return parse(folder, layout: .name)
    }
  }
}
