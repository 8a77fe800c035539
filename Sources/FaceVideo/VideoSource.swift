import CFaceKit
import FaceKit
import Foundation

/// Frames from a V4L2 camera ("0", "/dev/video0"), a video file or a stream URL, read with OpenCV.
///
/// Used from one thread at a time. Each frame is an independent `Image` that may be shared.
public final class VideoSource {
  private let handle: OpaquePointer
  /// The source as given, its password hidden (rtsp://user:***@host/...): used in every error.
  public let source: String

  /// Opens `source`. A number below 1000 is a camera index; anything else a device, file or URL.
  public init(_ source: String) throws(FaceKitError) {
    let isCamera = source.allSatisfy(\.isNumber) || source.hasPrefix("/dev/video")
    let isURL = source.contains("://")
    if !isCamera && !isURL {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
        throw .fileNotFound(path: source)
      }
      if isDirectory.boolValue { throw .fileUnreadable(path: source, reason: "is a directory, not a video") }
    }
    try VideoModule.load()
    var video: OpaquePointer?
    let label = Redaction.url(source)
    do throws(FaceKitError) {
      try native(label) { cfk_video_open(source, &video, $0) }
    } catch {
      let what =
        isCamera
        ? "no camera answers at this index or device" : isURL ? "the stream does not open" : "not a video OpenCV can read"
      throw .sourceUnavailable(source: label, detail: what)
    }
    self.handle = video!
    self.source = label
  }

  deinit { cfk_video_free(handle) }

  /// The next frame, or nil at the end of the file or stream.
  public func nextFrame() throws(FaceKitError) -> Image? {
    var frame: OpaquePointer?
    let label = "\(source)#\(framesRead)"
    do throws(FaceKitError) {
      try native(label) { cfk_video_read(handle, &frame, $0) }
    } catch {
      throw .sourceUnavailable(source: source, detail: "frame \(framesRead + 1) does not decode: \(error.reason)")
    }
    return frame.map { Image.wrap($0, source: label) }
  }

  private var properties: cfk_video_properties {
    var properties = cfk_video_properties()
    cfk_video_info(handle, &properties)
    return properties
  }

  /// Frames per second the source declares (0 when unknown, as with many cameras and streams).
  public var framesPerSecond: Double { properties.fps }
  /// How many frames a file declares; nil for cameras and streams.
  public var frameCount: Int? { properties.frame_count > 0 ? Int(properties.frame_count) : nil }
  /// Frames delivered so far.
  public var framesRead: Int { Int(properties.frames_read) }
  /// The time of the last frame read within the file, in seconds (for cameras: since opening).
  public var position: Double { properties.position_ms / 1000 }
  /// Degrees clockwise the frames were turned to stand as the file says they are shown: a phone held
  /// upright stores its frames on their side, with a display matrix of 90 or 270. 0 for cameras,
  /// streams and files without one.
  public var rotation: Int { Int(properties.rotation) }
  /// The frames' size as delivered (after the turn); 0 when the source does not say.
  public var frameSize: (width: Int, height: Int) { (Int(properties.width), Int(properties.height)) }
}

/// The video module (libCFaceVideo.so), loaded on the first video opened or written: the only code
/// that links OpenCV's videoio, and through Debian's FFmpeg librabbitmq and more, so a tool that opens
/// no video does not load them.
enum VideoModule {
  /// Loads the module once; the error names every place looked in.
  static func load() throws(FaceKitError) {
    try native("libCFaceVideo.so") { cfk_video_module_load($0) }
  }
}
