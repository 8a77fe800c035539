import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A JSON response body, never cached.
struct JSONBody: ResponseGenerator {
  let bytes: Data

  init<T: Encodable>(_ value: T) throws {
    bytes = try JSONEncoder.att.encode(value)
  }

  func response(from request: Request, context: some RequestContext) throws -> Response {
    response(status: .ok)
  }

  func response(status: HTTPResponse.Status) -> Response {
    Response(
      status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
  }
}
