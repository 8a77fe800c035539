import FaceKit
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
    case .video(let s): "video:\(s)"
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

/// Hands out the frames of an open source one at a time.
public final class FrameReader {
  private let video: VideoSource?
  private let label: String
  private let live: Bool
  private let started = Date()
  private var files: IndexingIterator<[String]>
  private var ended = false
  private let limits: ImageLimits

  init(video: VideoSource, label: String, live: Bool) {
    self.video = video
    self.label = label
    self.live = live
    self.files = [].makeIterator()
    self.limits = .standard
  }

  init(files: [String], limits: ImageLimits) {
    self.video = nil
    self.label = ""
    self.live = false
    self.files = files.makeIterator()
    self.limits = limits
  }

  /// The frame rate the video or camera reports; nil for images and sources that do not say.
  public var framesPerSecond: Double? {
    guard let rate = video?.framesPerSecond, rate > 0, rate.isFinite else { return nil }
    return rate
  }

  /// The next frame or photo, nil at the end. A video read error ends the stream after reporting it.
  public func next() -> SourceFrame? {
    if let video {
      if ended { return nil }
      do throws(FaceKitError) {
        guard let frame = try video.nextFrame() else { return nil }
        let time = live ? Date().timeIntervalSince(started) : video.position
        return SourceFrame(origin: "\(label)@\(String(format: "%.2f", time))s", time: time, image: .success(frame))
      } catch {
        ended = true
        return SourceFrame(origin: label, time: nil, image: .failure(error))
      }
    }
    guard let path = files.next() else { return nil }
    do throws(FaceKitError) {
      return SourceFrame(origin: path, time: nil, image: .success(try Image(contentsOfFile: path, limits: limits)))
    } catch {
      return SourceFrame(origin: path, time: nil, image: .failure(error))
    }
  }
}
