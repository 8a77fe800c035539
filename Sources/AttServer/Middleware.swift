import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import Synchronization

/// One line per request on standard error: address, user, method, path, status, milliseconds.
struct AccessLog: RouterMiddleware {
  let server: Server

  func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws
    -> Response
  {
    let start = ContinuousClock.now
    var status = 500
    defer {
      let ms = (ContinuousClock.now - start) / .milliseconds(1)
      server.metrics.count(status: status, seconds: ms / 1000)
      if server.settings.accessLog {
        let line =
          "\(context.remoteAddress) \(LogText.safe(context.identity?.name ?? "-")) \(request.method) \(LogText.safe(request.uri.path, limit: 200)) \(status) \(String(format: "%.1f", ms))ms\n"
        FileHandle.standardError.write(Data(line.utf8))
      }
    }
    do {
      let response = try await next(request, context)
      status = response.status.code
      return response
    } catch let error as HTTPResponseError {
      status = error.status.code
      throw error
    }
  }
}

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

/// Text from a request made safe for a log line: control characters (a line break would forge a
/// whole log line) written as escapes, and the length bounded.
enum LogText {
  static func safe(_ text: some StringProtocol, limit: Int = 64) -> String {
    var out = ""
    for scalar in text.prefix(limit).unicodeScalars {
      if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
        out += String(format: "\\u{%X}", scalar.value)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return text.count > limit ? out + "…" : out
  }
}

extension HTTPField.Name {
  static var xContentTypeOptions: Self { .init("X-Content-Type-Options")! }
  static var xFrameOptions: Self { .init("X-Frame-Options")! }
  static var referrerPolicy: Self { .init("Referrer-Policy")! }
  static var csrfToken: Self { .init("X-CSRF-Token")! }
  static var strictTransportSecurity: Self { .init("Strict-Transport-Security")! }
}

/// Finds out who is asking: a bearer token (scripts), else the signed session cookie (browsers).
/// The account must still exist, and its current role is what counts.
struct Authenticate: RouterMiddleware {
  let server: Server

  func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws
    -> Response
  {
    var context = context
    let accounts = server.accounts
    if let authorization = request.headers[.authorization] {
      let token = String(authorization.dropFirst(7))
      if authorization.hasPrefix("Bearer "), let identity = try await server.database.run({ try accounts.verify(token: token) }) {
        context.identity = identity
      } else {
        context.invalidToken = true
      }
    } else if let cookie = request.cookies[SessionSigner.cookieName]?.value, !cookie.isEmpty,
      let session = server.signer.session(from: cookie),
      let role = try await server.database.run({ try accounts.role(of: session) })
    {
      context.identity = Identity(name: session.name, role: role, viaCookie: true)
      context.session = session
      context.sessionCookie = cookie
    }
    return try await next(request, context)
  }
}

/// Refuses anyone not signed in (a browser asking for a page goes to the login form), and a
/// state-changing request made with the cookie alone, without its CSRF token.
struct RequireIdentity: RouterMiddleware {
  let server: Server

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
        guard server.signer.csrfMatches(request.headers[.csrfToken], cookieValue: cookie) else {
          throw HTTPError(.forbidden, message: "missing or wrong X-CSRF-Token header")
        }
      }
      // A WebSocket opened by a page of another site would carry the cookie: only this origin
      // (scheme's host and port) may.
      if request.uri.path == "/ws", let origin = request.headers[.origin],
        !Self.sameOrigin(origin, authority: request.head.authority, tls: server.secureCookies)
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
    if let colon = requestHost.lastIndex(of: ":"), !requestHost.hasSuffix("]"), let port = Int(requestHost[colon...].dropFirst()) {
      requestPort = port
      requestHost = String(requestHost[..<colon])
    }
    let bareHost = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
    return bareHost == requestHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) && originPort == requestPort
  }
}

/// Only these roles pass: people (viewers and admins) everywhere but the camera routes, cameras on
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

/// Only admins rename, remove and correct.
struct RequireAdmin: RouterMiddleware {
  func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws
    -> Response
  {
    guard context.identity?.role == .admin else { throw HTTPError(.forbidden, message: "this needs the admin role") }
    return try await next(request, context)
  }
}

/// Query parameters, checked: each bad value is a 400 naming the parameter.
struct Query {
  let parameters: [String: String]

  init(_ request: Request) {
    var parameters: [String: String] = [:]
    for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
    self.parameters = parameters
  }

  func bad(_ name: String, _ reason: String) -> HTTPError {
    HTTPError(.badRequest, message: "parameter '\(name)': \(reason)")
  }

  func text(_ name: String, maxLength: Int = 100) throws -> String? {
    guard let value = parameters[name], !value.isEmpty else { return nil }
    guard value.count <= maxLength else { throw bad(name, "longer than \(maxLength) characters") }
    return value
  }

  func identifier(_ name: String) throws -> String? {
    guard let value = try text(name, maxLength: 64) else { return nil }
    if let problem = PersonIdentity.validate(id: value) { throw bad(name, problem) }
    return value
  }

  func day(_ name: String) throws -> Day? {
    guard let value = try text(name, maxLength: 10) else { return nil }
    guard let day = Day(value) else { throw bad(name, "'\(value)' is not a date (YYYY-MM-DD, years \(Day.years))") }
    return day
  }

  func integer(_ name: String) throws -> Int64? {
    guard let value = try text(name, maxLength: 19) else { return nil }
    guard let number = Int64(value), number >= 0 else { throw bad(name, "'\(value)' is not a whole number") }
    return number
  }

  func limit() throws -> Int {
    guard let value = try integer("limit") else { return 100 }
    guard (1...1000).contains(value) else { throw bad("limit", "use 1 to 1000") }
    return Int(value)
  }

  func flag(_ name: String) throws -> Bool {
    guard let value = try text(name, maxLength: 5)?.lowercased() else { return false }
    switch value {
    case "1", "true", "yes": return true
    case "0", "false", "no": return false
    default: throw bad(name, "use true or false")
    }
  }

  func filter() throws -> AttendanceQueries.Filter {
    let filter = AttendanceQueries.Filter(
      from: try day("from"), to: try day("to"), classID: try identifier("class"), personID: try identifier("person"))
    if let from = filter.from, let to = filter.to, to < from { throw bad("to", "\(to) is before from \(from)") }
    return filter
  }
}

/// Request counters for /metrics.
final class ServerMetrics: Sendable {
  private struct Requests {
    var byClass: [Int: Int] = [:]
    var seconds = 0.0
  }
  private let requests = Mutex(Requests())
  private let loginRefusals = Atomic<Int>(0)

  func count(status: Int, seconds elapsed: Double) {
    requests.withLock {
      $0.byClass[status / 100, default: 0] += 1
      $0.seconds += elapsed
    }
  }

  func countLoginRefusal() {
    loginRefusals.add(1, ordering: .relaxed)
  }

  func prometheus() -> String {
    let now = requests.withLock { $0 }
    var text = "# HELP att_http_requests_total HTTP requests answered, by status class.\n"
    text += "# TYPE att_http_requests_total counter\n"
    for (group, count) in now.byClass.sorted(by: { $0.key < $1.key }) {
      text += "att_http_requests_total{status=\"\(group)xx\"} \(count)\n"
    }
    text +=
      "# HELP att_http_request_seconds_total Time spent answering requests.\n# TYPE att_http_request_seconds_total counter\n"
    text += "att_http_request_seconds_total \(String(format: "%.6f", now.seconds))\n"
    text += "# HELP att_login_refusals_total Sign-ins refused (wrong password or rate-limited).\n"
    text += "# TYPE att_login_refusals_total counter\natt_login_refusals_total \(loginRefusals.load(ordering: .relaxed))\n"
    return text
  }
}
