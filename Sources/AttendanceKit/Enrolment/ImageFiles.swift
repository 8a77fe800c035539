import Foundation

/// Which files in a folder are taken as images: by extension, as the operator sees them.
public enum ImageFiles {
  static let extensions: Set<String> = ["jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff"]

  public static func isImageName(_ name: String) -> Bool {
    extensions.contains((name as NSString).pathExtension.lowercased())
  }

  /// The regular files directly inside `folder`, in name order (hidden files left out). Files that
  /// are not images are listed too, so that each is reported with the reason it was skipped.
  static func list(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder)
      .filter { name in
        var isDirectory: ObjCBool = false
        return !name.hasPrefix(".")
          && FileManager.default.fileExists(atPath: "\(folder)/\(name)", isDirectory: &isDirectory) && !isDirectory.boolValue
      }
      .sorted { $0.localizedStandardCompare($1) == .orderedAscending }
      .map { "\(folder)/\($0)" }
  }
}
