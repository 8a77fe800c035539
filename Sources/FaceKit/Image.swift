import CFaceKit
import Foundation

/// A decoded 8-bit RGB image in the engine's own memory.
///
/// Immutable after creation, so one `Image` may be read from any number of threads at once.
public final class Image: @unchecked Sendable {
  package let handle: OpaquePointer
  /// Where the image came from (a path or a label such as "stdin"), used in every error about it.
  public let source: String
  public let width: Int
  public let height: Int

  private init(handle: OpaquePointer, source: String) {
    self.handle = handle
    self.source = source
    self.width = Int(cfk_image_width(handle))
    self.height = Int(cfk_image_height(handle))
  }

  deinit { cfk_image_free(handle) }

  /// Reads and decodes the image file at `path` (JPEG, PNG, BMP, WebP or TIFF; grayscale, alpha and
  /// 16-bit converted to RGB; EXIF orientation applied).
  public convenience init(contentsOfFile path: String, limits: ImageLimits = .standard) throws(FaceKitError) {
    try self.init(data: try Image.readFile(path), source: path, limits: limits)
  }

  /// Decodes encoded image bytes; `source` names them in errors.
  public convenience init(data: Data, source: String, limits: ImageLimits = .standard) throws(FaceKitError) {
    if data.isEmpty { throw .emptyFile(path: source) }
    let decoded = data.withUnsafeBytes { raw in
      Result { () throws(FaceKitError) -> OpaquePointer in
        let bytes = raw.bindMemory(to: UInt8.self)
        var info = cfk_image_info()
        cfk_image_probe(bytes.baseAddress, bytes.count, &info)
        try Image.check(info, source: source, limits: limits)
        var image: OpaquePointer?
        try native(source) { cfk_image_decode(bytes.baseAddress, bytes.count, Int64(limits.maxPixels), &image, $0) }
        return image!
      }
    }
    let handle = try decoded.get()
    self.init(handle: handle, source: source)
  }

  /// Copies 8-bit interleaved pixels (RGB, or BGR as OpenCV and video frames store them).
  public convenience init(
    pixels: UnsafeRawBufferPointer, width: Int, height: Int, bytesPerRow: Int,
    bgr: Bool, source: String
  ) throws(FaceKitError) {
    guard width > 0, height > 0, bytesPerRow >= width * 3, pixels.count >= bytesPerRow * (height - 1) + width * 3 else {
      throw .invalidArgument("\(source): pixel buffer of \(pixels.count) bytes does not hold \(width)x\(height) RGB")
    }
    var image: OpaquePointer?
    try native(source) {
      cfk_image_from_pixels(
        pixels.bindMemory(to: UInt8.self).baseAddress, Int64(width), Int64(height),
        Int64(bytesPerRow), bgr ? 1 : 0, &image, $0)
    }
    self.init(handle: image!, source: source)
  }

  /// The RGB bytes, row-major, `width * height * 3` of them.
  public func rgbBytes() -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, count in
      cfk_image_copy_rgb(handle, buffer.baseAddress)
      count = width * height * 3
    }
  }

  /// A copy scaled to `width` x `height`.
  public func resized(width: Int, height: Int) throws(FaceKitError) -> Image {
    var resized: OpaquePointer?
    try native(source) { cfk_image_resize(handle, Int64(width), Int64(height), &resized, $0) }
    return Image(handle: resized!, source: source)
  }

  /// The image encoded as JPEG (quality 1-100), for face crops saved to disk or sent in messages.
  public func jpegData(quality: Int = 92) throws(FaceKitError) -> Data {
    var bytes: UnsafeMutablePointer<UInt8>?
    var length = 0
    try native(source) { cfk_image_encode_jpeg(handle, Int32(min(max(quality, 1), 100)), &bytes, &length, $0) }
    defer { cfk_free(bytes) }
    return Data(bytes: bytes!, count: length)
  }

  package static func wrap(_ handle: OpaquePointer, source: String) -> Image {
    Image(handle: handle, source: source)
  }

  private static func readFile(_ path: String) throws(FaceKitError) -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      var link = stat()
      if lstat(path, &link) == 0 {
        throw .fileUnreadable(path: path, reason: "is a symbolic link that leads nowhere (broken, or a loop)")
      }
      throw .fileNotFound(path: path)
    }
    if isDirectory.boolValue { throw .fileUnreadable(path: path, reason: "is a directory") }
    var info = stat()
    if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
      throw .fileUnreadable(path: path, reason: "is not a regular file (a FIFO, a device or a socket)")
    }
    guard FileManager.default.isReadableFile(atPath: path) else { throw .fileUnreadable(path: path, reason: "permission denied") }
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
    } catch {
      throw .fileUnreadable(path: path, reason: error.localizedDescription)
    }
  }

  private static func check(_ info: cfk_image_info, source: String, limits: ImageLimits) throws(FaceKitError) {
    switch info.format {
    case CFK_FORMAT_UNKNOWN:
      throw .unsupportedFormat(path: source, detail: "unrecognised data (expected JPEG, PNG, BMP, WebP or TIFF)")
    case CFK_FORMAT_GIF:
      // OpenCV's image decoder takes no GIF; its video reader does (att-register add --source and
      // att-take --source read a GIF given alone as a short video).
      throw .unsupportedFormat(
        path: source,
        detail:
          "GIF is not read as a photo: convert it to PNG or JPEG (att-register add and att-take read a GIF given as --source as a short video)"
      )
    case CFK_FORMAT_JPEG where info.truncated != 0:
      throw .truncated(path: source)
    case _ where info.width == 0 || info.height == 0:
      // Its size is not in the header where the format keeps it: refused rather than decoded blind.
      throw .unsupportedFormat(path: source, detail: "the image's size cannot be read from its header")
    default:
      break
    }
    let pixels = Int(info.width) * Int(info.height)
    if limits.maxPixels > 0 && pixels > limits.maxPixels {
      throw .tooLarge(path: source, width: Int(info.width), height: Int(info.height), limit: limits.maxPixels)
    }
  }
}
