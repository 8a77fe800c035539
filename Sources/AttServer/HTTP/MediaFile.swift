import AttendanceKit
import Foundation
import Hummingbird
import NIOCore

extension MediaLibrary {
  /// A JPEG of the library as a response that no browser or proxy keeps.
  func jpegResponse(_ relativePath: String) throws -> Response {
    guard let data = FileManager.default.contents(atPath: fullPath(relativePath)) else {
      throw HTTPError(.notFound, message: "the image is no longer kept")
    }
    return Response(
      status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "no-store, private"],
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
  }
}
