import CFaceKit

/// The one funnel every cfk_ call goes through: it hands the C function an error buffer and turns
/// a non-OK status into a `FaceKitError` that names `subject` (a file, a model path, a step).
@discardableResult
package func native(_ subject: String, _ body: (UnsafeMutablePointer<cfk_error>) -> cfk_status) throws(FaceKitError) -> cfk_status
{
  var error = cfk_error()
  let status = body(&error)
  if status == CFK_OK { return status }
  let message = withUnsafeBytes(of: &error.message) { raw in
    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
  }
  switch status {
  case CFK_ERR_DECODE: throw .undecodable(path: subject, detail: message)
  case CFK_ERR_INVISIBLE: throw .invisible(path: subject)
  case CFK_ERR_TOO_LARGE: throw .tooLarge(path: subject, width: 0, height: 0, limit: 0)
  case CFK_ERR_MODEL: throw .modelInvalid(path: subject, detail: message)
  case CFK_ERR_ARGUMENT: throw .invalidArgument("\(subject): \(message)")
  case CFK_ERR_NO_MEMORY: throw .outOfMemory(context: subject)
  default: throw .engineFailure(context: subject, detail: message)
  }
}
