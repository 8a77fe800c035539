import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird

/// Finds out who is asking: a bearer token (scripts), else the signed session cookie (browsers).
/// The account must still exist, and its current role is what counts.
struct Authenticate: RouterMiddleware {
  let accounts: Accounts
  let signer: SessionSigner
  /// Token and session look-ups read the database: on its threads.
  let database: BlockingWork

  func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws
    -> Response
  {
    var context = context
    if let authorization = request.headers[.authorization] {
      let token = String(authorization.dropFirst(7))
      if authorization.hasPrefix("Bearer "), let identity = try await database.run({ try accounts.verify(token: token) }) {
        context.identity = identity
      } else {
        context.invalidToken = true
      }
    } else if let cookie = request.cookies[SessionSigner.cookieName]?.value, !cookie.isEmpty,
      let session = signer.session(from: cookie),
      let identity = try await database.run({ try accounts.identity(of: session) })
    {
      context.identity = identity
      context.session = session
      context.sessionCookie = cookie
    }
    return try await next(request, context)
  }
}
