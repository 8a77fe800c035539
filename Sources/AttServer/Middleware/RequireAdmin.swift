import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird

/// Only admins rename, remove and correct.
struct RequireAdmin: RouterMiddleware {
  func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws
    -> Response
  {
    guard context.identity?.role == .admin else { throw HTTPError(.forbidden, message: "this needs the admin role") }
    return try await next(request, context)
  }
}
