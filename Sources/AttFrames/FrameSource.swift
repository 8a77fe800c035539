import AttendanceKit
import FaceKit
import FaceVideo
import Foundation

/// One frame or photo from an enrolment source, or why it could not be read.
public struct SourceFrame {
  /// The frame ("clip.mp4@2.40s", "camera:0@12.0s") or file it is.
  public let origin: String
  /// Seconds since the start of the video or camera; nil for photos, which are independent.
  public let time: Double?
  public let image: Result<Image, FaceKitError>
}

/// Where enrolment faces come from: a V4L2 camera, a video file or stream URL, one image, or a
/// folder of images (read in name order).
public enum FrameSource: Sendable, Equatable, CustomStringConvertible {
  case camera(String)
  case video(String)
  case image(String)
  case folder(String)

  /// Reads what `--source` names: digits or /dev/videoN is a camera, scheme:// a stream, a folder
  /// is a folder, a file with an image extension an image, any other file a video.
  public init(_ argument: String) throws(FaceKitError) {
    if argument.allSatisfy(\.isNumber) && !argument.isEmpty || argument.hasPrefix("/dev/video") {
      self = .camera(argument)
      return
    }
    if argument.contains("://") {
      self = .video(argument)
      return
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
      throw .fileNotFound(path: argument)
    }
    if isDirectory.boolValue {
      self = .folder(argument)
    } else if ImageFiles.isImageName(argument) {
      self = .image(argument)
    } else {
      self = .video(argument)
    }
  }

  /// How the source is recorded with the samples: "camera:0", "video:clip.mp4", "image:a.jpg", "folder:x".
  public var description: String {
    switch self {
    case .camera(let s): "camera:\(s)"
    case .video(let s): "video:\(Redaction.url(s))"
    case .image(let s): "image:\(s)"
    case .folder(let s): "folder:\(s)"
    }
  }

  /// Whether frames arrive in real time (a camera or stream), where a time limit applies.
  public var isLive: Bool {
    switch self {
    case .camera: true
    case .video(let s): s.contains("://")
    case .image, .folder: false
    }
  }

  /// Opens the source for reading.
  public func open(limits: ImageLimits = .standard) throws(FaceKitError) -> FrameReader {
    switch self {
    case .camera(let s), .video(let s): FrameReader(video: try VideoSource(s), label: description, live: isLive)
    case .image(let path): FrameReader(files: [path], limits: limits)
    case .folder(let path):
      FrameReader(files: try Self.listFolder(path), limits: limits)
    }
  }

  private static func listFolder(_ path: String) throws(FaceKitError) -> [String] {
    do {
      return try ImageFiles.list(path)
    } catch {
      throw .fileUnreadable(path: path, reason: error.localizedDescription)
    }
  }
}
