import Foundation

/// Which files in a folder are taken as images: by extension, as the operator sees them.
public enum ImageFiles {
  static let extensions: Set<String> = ["jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff"]

  public static func isImageName(_ name: String) -> Bool {
    extensions.contains((name as NSString).pathExtension.lowercased())
  }

  /// The entries directly inside `folder` that are not folders, in name order (hidden files left
  /// out). Files that are not images, and links that lead nowhere (broken, or a loop), are listed
  /// too, so that each is reported with the reason it was skipped.
  package static func list(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder)
      .filter { name in
        var isDirectory: ObjCBool = false
        guard !name.hasPrefix(".") else { return false }
        if FileManager.default.fileExists(atPath: "\(folder)/\(name)", isDirectory: &isDirectory) { return !isDirectory.boolValue }
        var info = stat()
        return lstat("\(folder)/\(name)", &info) == 0  // a link to nothing: listed, to be reported
      }
      .sorted { $0.localizedStandardCompare($1) == .orderedAscending }
      .map { "\(folder)/\($0)" }
  }
}
