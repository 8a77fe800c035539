import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Signing in and out, and who is signed in:
/// - `GET /login`, `POST /login` (open to all): the form, with a CSRF token (double submit), and the
///   sign-in, rate-limited per address and account, its password check on a thread of its own;
/// - `POST /logout`: ends the session on the server, so the cookie stops working everywhere;
/// - `GET /api/me`: the name, role, CSRF token and the site's settings the dashboard needs.
struct SessionController: Sendable {
  let accounts: Accounts
  let signer: SessionSigner
  let limiter: LoginLimiter
  let passwords: PasswordChecks
  let database: BlockingWork
  let metrics: ServerMetrics
  let logger: Logger
  /// Cookies are `Secure` under TLS.
  let secureCookies: Bool
  let lateAfter: String?
  let clock: SchoolClock
  let queueMode: Bool

  func addRoutes(open: Router<AppContext>, people: RouterGroup<AppContext>) {
    open.get("/login") { _, _ in loginPage(error: nil) }
    open.post("/login") { request, context in try await login(request, context) }
    people.post("/logout") { _, context in try await logout(context) }
    people.get("/api/me") { _, context in try me(context) }
  }

  /// The login form, with a fresh CSRF token in a cookie and in the form (double submit).
  /// After a failed sign-in the name stays filled in and the password field has the focus.
  func loginPage(error: String?, status: HTTPResponse.Status = .ok, name: String = "") -> Response {
    let token = Secrets.randomBytes(18).base64URL
    let html = String(decoding: PackageResources.login_html, as: UTF8.self)
      .replacingOccurrences(of: "{{csrf}}", with: token)
      .replacingOccurrences(of: "{{name}}", with: HTML.escape(String(name.prefix(64))))
      .replacingOccurrences(of: "{{focus-name}}", with: name.isEmpty ? "autofocus" : "")
      .replacingOccurrences(of: "{{focus-password}}", with: name.isEmpty ? "" : "autofocus")
      .replacingOccurrences(of: "{{error}}", with: error.map { "<p class=\"error\" role=\"alert\">\(HTML.escape($0))</p>" } ?? "")
    var response = Response(
      status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
      body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    response.setCookie(
      Cookie(
        name: SessionSigner.csrfCookieName, value: token, path: "/login", secure: secureCookies, httpOnly: true, sameSite: .strict
      ))
    return response
  }

  struct LoginForm: Decodable {
    let name: String
    let password: String
    let csrf: String
  }

  func login(_ request: Request, _ context: AppContext) async throws -> Response {
    let body = try await request.body.collect(upTo: 16 * 1024)
    guard let form = try? URLEncodedFormDecoder().decode(LoginForm.self, from: String(buffer: body)) else {
      return loginPage(error: "Give a name and a password.", status: .badRequest)
    }
    guard let cookie = request.cookies[SessionSigner.csrfCookieName]?.value,
      Secrets.equal(Array(cookie.utf8), Array(form.csrf.utf8))
    else {
      return loginPage(error: "The form expired; please sign in again.", status: .forbidden, name: form.name)
    }
    let keys = LoginLimiter.keys(address: context.remoteAddress, account: form.name)
    if let wait = limiter.retryAfter(keys) {
      metrics.countLoginRefusal()
      var response = loginPage(
        error: "Too many failed sign-ins. Try again in \(wait) seconds.", status: .tooManyRequests, name: form.name)
      response.headers[.retryAfter] = "\(wait)"
      return response
    }
    let accounts = self.accounts
    let (name, password) = (form.name, form.password)
    // The check runs on the password thread; when its line is full, the answer is "busy" at once.
    let address = context.remoteAddress
    guard
      let checked = try await passwords.run(
        address: address, known: limiter.isKnown(address), { try accounts.verify(name, password: password) })
    else {
      // The answer is held back a second (a timer, no thread): a client that retries at once would
      // otherwise make the refusals themselves the flood.
      try? await Task.sleep(for: .seconds(1))
      metrics.countLoginRefusal()
      var response = loginPage(
        error: "The server is busy with other sign-ins. Try again in a few seconds.", status: .serviceUnavailable, name: form.name
      )
      response.headers[.retryAfter] = "2"
      return response
    }
    guard let identity = checked else {
      limiter.recordFailure(keys)
      metrics.countLoginRefusal()
      logger.notice("sign-in refused for '\(LogText.safe(form.name))' from \(context.remoteAddress)")
      return loginPage(error: "Wrong name or password.", status: .unauthorized, name: form.name)
    }
    limiter.recordSuccess(keys, address: address)
    let (sessionCookie, session) = signer.newSession(name: identity.name, role: identity.role)
    try await database.run { try accounts.start(session) }
    var response = Response(status: .seeOther, headers: [.location: "/"])
    response.setCookie(
      Cookie(
        name: SessionSigner.cookieName, value: sessionCookie, maxAge: Int(signer.lifetime), path: "/", secure: secureCookies,
        httpOnly: true, sameSite: .strict))
    return response
  }

  /// Ends the session on the server (the cookie stops working everywhere at once) and clears it.
  func logout(_ context: AppContext) async throws -> Response {
    if let session = context.session {
      let accounts = self.accounts
      try await database.run { try accounts.end(session) }
    }
    var response = Response(status: .seeOther, headers: [.location: "/login"])
    response.setCookie(
      Cookie(
        name: SessionSigner.cookieName, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    )
    return response
  }

  func me(_ context: AppContext) throws -> JSONBody {
    struct Me: Encodable {
      let name: String
      let role: String
      let csrf: String?
      let lateAfter: String?
      let today: String
      /// The school's clock time when this was answered (HH:MM), and its zone.
      let now: String
      let timeZone: String
      let mode: String
      /// A teacher's classes (the only ones they see); absent for every other role.
      let classes: [String]?

      enum CodingKeys: String, CodingKey {
        case name, role, csrf, today, now, mode, classes
        case timeZone = "time_zone"
        case lateAfter = "late_after"
      }
    }
    let identity = context.identity!
    return try JSONBody(
      Me(
        name: identity.name, role: identity.role.rawValue, csrf: context.sessionCookie.map(signer.csrfToken),
        lateAfter: lateAfter, today: clock.today().text, now: clock.clockTime(),
        timeZone: clock.zoneName, mode: queueMode ? "queue" : "direct", classes: identity.classes?.sorted()))
  }
}
