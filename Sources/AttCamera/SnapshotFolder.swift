import AttQueue
import AttRecognition
import AttendanceKit
import FaceKit
import Foundation

/// `--snapshots DIR`: face crops of unknown faces, of marked attendance and of faces liveness refused
/// or never judged live, one JPEG each, written
/// whole (a temporary file renamed into place) and readable by their owner only: they are faces.
public struct SnapshotFolder: Sendable {
  public let path: String
  /// The retention period (`--snapshot-days`): crops older than it are deleted by `prune`.
  public let keepDays: Int

  public init(_ path: String, keepDays: Int = 30) {
    self.path = path
    self.keepDays = keepDays
  }

  /// Deletes the crops att-take saved here (`CameraCropName`; nothing else in the folder) that are
  /// older than `keepDays`; returns how many. A missing folder has none.
  @discardableResult
  public func prune(now: Date = Date()) -> Int {
    let cutoff = now.addingTimeInterval(-Double(keepDays) * 86400)
    var deleted = 0
    for file in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where CameraCropName.isCrop(file) {
      let full = "\(path)/\(file)"
      guard let attributes = try? FileManager.default.attributesOfItem(atPath: full),
        attributes[.type] as? FileAttributeType == .typeRegular,
        let modified = attributes[.modificationDate] as? Date, modified < cutoff
      else { continue }
      if (try? FileManager.default.removeItem(atPath: full)) != nil { deleted += 1 }
    }
    return deleted
  }

  /// Deletes every crop att-take saved here of `personID` (marked, refused, never judged live:
  /// `CameraCropName.isCrop(_:of:)`), or of anyone (nil: unknown faces too), whatever its age;
  /// returns how many.
  @discardableResult
  public func erase(_ personID: String?) -> Int {
    var deleted = 0
    for file in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    where personID.map({ CameraCropName.isCrop(file, of: $0) }) ?? CameraCropName.isCrop(file) {
      let full = "\(path)/\(file)"
      guard (try? FileManager.default.attributesOfItem(atPath: full))?[.type] as? FileAttributeType == .typeRegular
      else { continue }
      if (try? FileManager.default.removeItem(atPath: full)) != nil { deleted += 1 }
    }
    return deleted
  }

  /// Crops the face with a margin of 40% around it, encodes it once and writes it as KIND-XXXXXXXX.jpg;
  /// returns the file's path and its bytes (an unknown face's message carries them).
  public func save(_ box: FaceBox, of image: Image, kind: String) throws -> (path: String, jpeg: Data) {
    try save(try crop(box, of: image), kind: kind)
  }

  /// The face with a margin of 40% around it (its own pixels, kept to be saved later).
  public func crop(_ box: FaceBox, of image: Image) throws -> Image {
    try image.cropped(to: box.expanded(by: 0.4, width: image.width, height: image.height))
  }

  /// The face and what is around it, for whoever reviews a face liveness did not mark: a margin of
  /// 1.5 face widths on each side (a phone, a hand, a printed sheet's edge held up with the face
  /// are in it), at most 640 px wide.
  public func reviewCrop(_ box: FaceBox, of image: Image) throws -> Image {
    let crop = try image.cropped(to: box.expanded(by: 1.5, width: image.width, height: image.height))
    guard crop.width > 640 else { return crop }
    return try crop.resized(width: 640, height: max(1, crop.height * 640 / crop.width))
  }

  /// Encodes a `crop` once and writes it as KIND-XXXXXXXX.jpg; its path and bytes.
  public func save(_ crop: Image, kind: String) throws -> (path: String, jpeg: Data) {
    let jpeg = try crop.jpegData(quality: 85)
    let file = "\(path)/\(kind)-\(UUID().uuidString.prefix(8)).jpg"
    try FileManager.default.createDirectory(
      atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    try DurableFile.write(jpeg, to: file, mode: 0o600)
    return (file, jpeg)
  }
}
