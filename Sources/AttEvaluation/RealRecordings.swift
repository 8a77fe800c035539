import AttendanceKit
import FaceKit
import Foundation

/// A site's own recordings for scoring liveness, labelled by sub-folder: `live/` (people in front of
/// the camera), `replay/` (a phone, tablet or monitor playing a face video in front of it) and
/// `print/` (a printed photo held up). Nothing is rendered: what these score is what the camera sees.
public enum RealRecordings {
  /// The labels, their kind and the material named in the report.
  static let labels: [(folder: String, kind: LivenessSample.Kind, material: String)] = [
    ("live", .live, "real recording of live faces"),
    ("replay", .screen, "real recording of a screen replay"),
    ("print", .print, "real recording of a printed photo"),
  ]
  /// The attack types the report counts these recordings under (`LivenessPresentation.attackType`).
  public static let attackTypes = ["print", "screen replay"]
  static let videoExtensions: Set<String> = ["mp4", "mkv", "avi", "mov", "webm", "m4v", "3gp", "gif", "mpg", "mpeg", "ts"]

  public struct LayoutError: Error, CustomStringConvertible {
    public let description: String
  }

  /// The recordings under `folder` (in its label folders and their own sub-folders), sorted by label
  /// then name. A sub-folder of `folder` that is not a label, or a folder with no recording at all,
  /// is an error naming it; other files are skipped, each named to `skipped` (a still photo dropped
  /// in print/ is not a recording).
  public static func presentations(in folder: String, skipped: (String) -> Void = { _ in }) throws -> [LivenessPresentation] {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
      throw LayoutError(description: "\(folder): not a folder (give one with live/, replay/ and print/ sub-folders)")
    }
    let names = Set(labels.map(\.folder))
    for entry in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where !entry.hasPrefix(".") {
      var isDirectory: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: "\(folder)/\(entry)", isDirectory: &isDirectory)
      if isDirectory.boolValue && !names.contains(entry) {
        throw LayoutError(description: "\(folder)/\(entry): not a label (the sub-folders are live, replay and print)")
      }
    }
    var found: [LivenessPresentation] = []
    for label in labels {
      let sub = "\(folder)/\(label.folder)"
      // Sorted into folders of their own (replay/phone/, replay/tablet/) or not: every recording under the label.
      for file in recordings(under: sub) {
        guard videoExtensions.contains((file as NSString).pathExtension.lowercased()) else {
          // A still photo is told what to record instead; anything else, only what is read.
          let record = label.kind == .live ? "the person in front of the camera" : "the print or screen held up"
          let instead =
            ImageFiles.isImageName(file) ? "; a still photo is not a recording: record \(record) for a few seconds" : ""
          skipped("skipped \(sub)/\(file): not a video (\(videoExtensions.sorted().joined(separator: ", ")))\(instead)")
          continue
        }
        // Named by its place in the folder: replay/ is what the report counts as a screen replay.
        found.append(
          LivenessPresentation(
            name: "\(label.folder)/\(file)", kind: label.kind, material: label.material, path: "\(sub)/\(file)"))
      }
    }
    guard !found.isEmpty else {
      // A recording put in the folder itself is not labelled: say so, by name.
      let unlabelled =
        (try? FileManager.default.contentsOfDirectory(atPath: folder))?.sorted().filter {
          videoExtensions.contains(($0 as NSString).pathExtension.lowercased())
        } ?? []
      let hint =
        unlabelled.isEmpty
        ? ""
        : "; \(unlabelled.prefix(3).joined(separator: ", "))\(unlabelled.count > 3 ? " and \(unlabelled.count - 3) more" : "") "
          + "\(unlabelled.count == 1 ? "is" : "are") in the folder itself: move each into the sub-folder of its label"
      throw LayoutError(
        description:
          "\(folder): no recording in live/, replay/ or print/ (videos: \(videoExtensions.sorted().joined(separator: ", ")))\(hint)"
      )
    }
    return found
  }

  /// The files under `folder` and its sub-folders (links followed, four levels at most), as paths
  /// relative to it, sorted; hidden ones left out.
  static func recordings(under folder: String, depth: Int = 4) -> [String] {
    guard depth > 0, let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
    var files: [String] = []
    for entry in entries where !entry.hasPrefix(".") {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: "\(folder)/\(entry)", isDirectory: &isDirectory) else { continue }
      if isDirectory.boolValue {
        files += recordings(under: "\(folder)/\(entry)", depth: depth - 1).map { "\(entry)/\($0)" }
      } else {
        files.append(entry)
      }
    }
    return files.sorted()
  }
}
