import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird

/// Refuses anyone not signed in (a browser asking for a page goes to the login form), and a
/// state-changing request made with the cookie alone, without its CSRF token.
struct RequireIdentity: RouterMiddleware {
  let signer: SessionSigner
  /// Whether the server speaks TLS (the origin a WebSocket must come from).
  let tls: Bool

  func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws
    -> Response
  {
    if context.invalidToken {
      throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "the API token is not valid")
    }
    guard let identity = context.identity else {
      if request.method == .get, request.uri.path == "/" {
        return Response(status: .seeOther, headers: [.location: "/login"])
      }
      throw HTTPError(.unauthorized, message: "sign in at /login, or send 'Authorization: Bearer <token>'")
    }
    if identity.viaCookie, let cookie = context.sessionCookie {
      if ![.get, .head].contains(request.method) {
        guard signer.csrfMatches(request.headers[.csrfToken], cookieValue: cookie) else {
          throw HTTPError(.forbidden, message: "missing or wrong X-CSRF-Token header")
        }
      }
      // A WebSocket opened by a page of another site would carry the cookie: only this origin
      // (scheme's host and port) may.
      if request.uri.path == "/ws", let origin = request.headers[.origin],
        !Self.sameOrigin(origin, authority: request.head.authority, tls: tls)
      {
        throw HTTPError(.forbidden, message: "WebSocket from another origin")
      }
    }
    return try await next(request, context)
  }
}

extension RequireIdentity {
  /// Whether `origin` (scheme://host[:port]) names the host and port the request was sent to.
  static func sameOrigin(_ origin: String, authority: String?, tls: Bool) -> Bool {
    guard let authority, let url = URL(string: origin), let host = url.host?.lowercased() else { return false }
    let originPort = url.port ?? (url.scheme == "https" ? 443 : 80)
    var requestHost = authority.lowercased()
    var requestPort = tls ? 443 : 80
    if let colon = requestHost.lastIndex(of: ":"), !requestHost.hasSuffix("]"), let port = Int(requestHost[colon...].dropFirst())
    {
      requestPort = port
      requestHost = String(requestHost[..<colon])
    }
    let bareHost = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
    return bareHost == requestHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) && originPort == requestPort
  }
}
