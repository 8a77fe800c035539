import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird

/// Only these roles pass: people (viewers, teachers and admins) everywhere but the camera routes, cameras on
/// their two routes only. Anyone else signed in gets a 403 that says what the role may do.
struct RequireRole: RouterMiddleware {
  let allowed: Set<Role>

  func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws
    -> Response
  {
    guard let role = context.identity?.role, allowed.contains(role) else {
      let message =
        context.identity?.role == .camera
        ? "a camera token may only read /api/gallery and post /api/devices/status"
        : "only camera tokens may use this (att-serve token add NAME --role camera)"
      throw HTTPError(.forbidden, message: message)
    }
    return try await next(request, context)
  }
}
