import Foundation

/// Which files in a folder are taken as images: by extension, as the operator sees them.
enum ImageFiles {
  static let extensions: Set<String> = ["jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff"]

  static func isImageName(_ name: String) -> Bool {
    extensions.contains((name as NSString).pathExtension.lowercased())
  }

  /// The image files directly inside `folder`, in name order (hidden files left out).
  static func list(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder)
      .filter { !$0.hasPrefix(".") && isImageName($0) }
      .sorted { $0.localizedStandardCompare($1) == .orderedAscending }
      .map { "\(folder)/\($0)" }
  }
}
