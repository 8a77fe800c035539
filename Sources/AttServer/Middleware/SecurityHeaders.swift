import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Headers every response carries, errors included: no framing, no sniffing, scripts and
/// connections from this origin only (the dashboard loads nothing from elsewhere), and under TLS a
/// year of HSTS. The outermost middleware, so that it also turns any error into its response: an
/// HTTP error keeps its status and message, anything else is a 500 that shows nothing internal.
struct SecurityHeaders: RouterMiddleware {
  let tls: Bool
  let logger: Logger

  func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws
    -> Response
  {
    var response: Response
    do {
      response = try await next(request, context)
    } catch let error as HTTPResponseError {
      response = try error.response(from: request, context: context)
    } catch {
      logger.error("\(request.method) \(LogText.safe(request.uri.path, limit: 200)): \(error)")
      response = try HTTPError(.internalServerError, message: "internal error").response(from: request, context: context)
    }
    response.headers[.contentSecurityPolicy] =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'"
    response.headers[.xContentTypeOptions] = "nosniff"
    response.headers[.referrerPolicy] = "same-origin"
    response.headers[.xFrameOptions] = "DENY"
    if tls { response.headers[.strictTransportSecurity] = "max-age=31536000" }
    return response
  }
}
