import AttendanceKit
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// The routes and what they share: queries, accounts, sessions, the live feed and the counters.
final class Server: Sendable {
  let settings: ServeSettings
  let queries: AttendanceQueries
  let accounts: Accounts
  let signer: SessionSigner
  let feed = LiveFeed()
  let follower: FeedFollower
  let metrics = ServerMetrics()
  let logger: Logger
  /// Every SQLite call of a request runs here, never on the cooperative pool.
  let database: BlockingWork
  /// Password checks: one at a time on a thread of their own, a short line, the rest turned away.
  let passwords: PasswordChecks
  let cameraRoutes: CameraRoutes

  init(settings: ServeSettings, logger: Logger) {
    self.settings = settings
    self.logger = logger
    queries = AttendanceQueries(store: settings.store)
    accounts = Accounts(store: settings.store)
    signer = SessionSigner(secretKey: settings.secretKey)
    database = BlockingWork(threads: settings.databaseThreads)
    passwords = PasswordChecks(threads: 1, capacity: settings.passwordLine)
    cameraRoutes = CameraRoutes(store: settings.store, database: database, logger: logger)
    follower = FeedFollower(
      queries: queries, feed: feed, broker: settings.broker, pollInterval: settings.pollInterval, database: database,
      logger: logger)
  }

  /// A handler whose work reads or writes the database: it runs on the database threads.
  func blocking<T: ResponseGenerator & Sendable>(
    _ body: @escaping @Sendable (Request, AppContext) throws -> T
  ) -> @Sendable (Request, AppContext) async throws -> T {
    { request, context in try await self.database.run { try body(request, context) } }
  }

  var secureCookies: Bool { settings.tlsCertificate != nil }

  func addRoutes(to router: Router<AppContext>) {
    router.add(middleware: SecurityHeaders(tls: secureCookies, logger: logger))
    router.add(middleware: Authenticate(server: self))
    router.add(middleware: AccessLog(server: self))

    // Open to all: health (for load balancers and systemd), the login page, the page's own assets.
    router.get("/healthz", use: blocking { _, _ in try self.health() })
    router.get("/login") { _, _ in self.loginPage(error: nil) }
    router.post("/login") { request, context in try await self.login(request, context) }
    router.get("/favicon.ico") { _, _ in Response(status: .noContent) }

    // Everything else needs a session or a token.
    let signedIn = router.group().add(middleware: RequireIdentity(server: self))
    // Camera tokens may use their two routes and nothing else; people may use everything else.
    let cameras = signedIn.group("api").add(middleware: RequireRole(allowed: [.camera]))
    let people = signedIn.group().add(middleware: RequireRole(allowed: Role.people))
    people.get("/") { _, _ in self.page(PackageResources.dashboard_html, type: "text/html; charset=utf-8") }
    people.get("/dashboard.js") { _, _ in
      self.page(PackageResources.dashboard_js, type: "text/javascript; charset=utf-8")
    }
    people.post("/logout", use: blocking { _, context in try self.logout(context) })
    people.get("/metrics", use: blocking { _, _ in try self.metricsText() })
    people.ws("/ws") { request, context in
      .upgrade([:])
    } onUpgrade: { inbound, outbound, context in
      try await self.liveFeed(inbound, outbound, context.request)
    }

    let api = people.group("api")
    api.get("me") { _, context in try self.me(context) }
    api.get("people", use: blocking { request, _ in try self.people(request) })
    api.get("people/:id", use: blocking { _, context in try self.person(context) })
    api.get("people/:id/attendance", use: blocking { request, context in try self.personAttendance(request, context) })
    api.get("people/:id/report", use: blocking { request, context in try self.personReport(request, context) })
    api.get("classes", use: blocking { _, _ in try JSONBody(self.queries.classes()) })
    api.get("attendance", use: blocking { request, _ in try self.attendance(request) })
    api.get("summary", use: blocking { request, _ in try self.summary(request) })
    api.get("daily", use: blocking { request, _ in try self.daily(request) })
    api.get("roster", use: blocking { request, _ in try self.roster(request) })
    api.get("calendar", use: blocking { _, _ in try JSONBody(self.settings.store.calendar()) })
    api.get("unknown-faces", use: blocking { request, context in try self.unknownFaces(request, context) })
    api.get("export/summary.csv", use: blocking { request, _ in try self.summaryCSV(request) })
    api.get("export/events.csv") { request, _ in try self.eventsCSV(request) }

    let admin = api.group().add(middleware: RequireAdmin())
    admin.patch("people/:id") { request, context in try await self.rename(request, context) }
    admin.delete("people/:id", use: blocking { request, context in try self.remove(request, context) })
    admin.post("attendance") { request, context in try await self.addAttendance(request, context) }
    admin.delete("attendance/:id", use: blocking { request, context in try self.deleteAttendance(request, context) })
    admin.post("excusals") { request, context in try await self.excuse(request, context) }
    admin.delete("excusals", use: blocking { request, context in try self.unexcuse(request, context) })
    admin.put("calendar") { request, context in try await self.saveCalendar(request, context) }
    admin.get("people/:id/photo", use: blocking { _, context in try self.personPhoto(context) })
    admin.get("unknown-faces/:id/snapshot", use: blocking { _, context in try self.snapshot(context) })
    admin.post("unknown-faces/:id/enrol") { request, context in try await self.enrolUnknown(request, context) }
    admin.post("unknown-faces/:id/assign") { request, context in try await self.assignUnknown(request, context) }
    admin.post("unknown-faces/:id/dismiss", use: blocking { _, context in try self.dismissUnknown(context) })
    admin.get("audit", use: blocking { request, _ in try self.audit(request) })
    cameraRoutes.add(cameras: cameras, people: api, admin: admin)
  }

  // MARK: pages

  func page(_ bytes: [UInt8], type: String) -> Response {
    Response(
      status: .ok, headers: [.contentType: type, .cacheControl: "no-store"],
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
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
    if let wait = settings.limiter.retryAfter(keys) {
      metrics.countLoginRefusal()
      var response = loginPage(
        error: "Too many failed sign-ins. Try again in \(wait) seconds.", status: .tooManyRequests, name: form.name)
      response.headers[.retryAfter] = "\(wait)"
      return response
    }
    let accounts = self.accounts
    let (name, password) = (form.name, form.password)
    // The check runs on the password thread; when its line is full, the answer is "busy" at once.
    guard let checked = try await passwords.run({ try accounts.verify(name, password: password) }) else {
      // The answer is held back a second (a timer, no thread): a client that retries at once would
      // otherwise make the refusals themselves the flood.
      try? await Task.sleep(for: .seconds(1))
      metrics.countLoginRefusal()
      var response = loginPage(
        error: "The server is busy with other sign-ins. Try again in a few seconds.", status: .serviceUnavailable, name: form.name)
      response.headers[.retryAfter] = "2"
      return response
    }
    guard let identity = checked else {
      settings.limiter.recordFailure(keys)
      metrics.countLoginRefusal()
      logger.notice("sign-in refused for '\(LogText.safe(form.name))' from \(context.remoteAddress)")
      return loginPage(error: "Wrong name or password.", status: .unauthorized, name: form.name)
    }
    settings.limiter.recordSuccess(keys)
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
  func logout(_ context: AppContext) throws -> Response {
    if let session = context.session { try accounts.end(session) }
    var response = Response(status: .seeOther, headers: [.location: "/login"])
    response.setCookie(
      Cookie(
        name: SessionSigner.cookieName, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    )
    return response
  }

  // MARK: health and metrics

  func health() throws -> Response {
    var database = "ok"
    do { _ = try settings.store.reader { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM people") } } catch {
      // The cause goes to the log; anyone may read /healthz, so it says only that the database fails.
      logger.error("health: the database cannot be read: \(error)")
      database = "error"
    }
    let broker: String
    if settings.broker == nil {
      broker = "not used (direct mode)"
    } else {
      broker = follower.brokerConnected.load(ordering: .relaxed) ? "ok" : "unreachable"
    }
    let healthy = database == "ok" && (settings.broker == nil || broker == "ok")
    struct Health: Encodable {
      let status: String
      let database: String
      let broker: String
    }
    return try JSONBody(Health(status: healthy ? "ok" : "degraded", database: database, broker: broker))
      .response(status: healthy ? .ok : .serviceUnavailable)
  }

  func metricsText() throws -> Response {
    var lines = metrics.prometheus()
    lines += try cameraRoutes.prometheus()
    lines += "# HELP att_websocket_clients Live feed clients connected now.\n# TYPE att_websocket_clients gauge\n"
    lines += "att_websocket_clients \(feed.clientCount)\n"
    lines += "# HELP att_events_pushed_total Messages pushed to live feed clients.\n# TYPE att_events_pushed_total counter\n"
    lines += "att_events_pushed_total \(feed.eventsPushed)\n"
    if let lag = follower.lastLag.withLock({ $0 }) {
      lines += "# HELP att_feed_lag_seconds From the commit of the newest record to its push.\n"
      lines += "# TYPE att_feed_lag_seconds gauge\natt_feed_lag_seconds \(String(format: "%.3f", lag))\n"
    }
    if settings.broker != nil {
      lines += "# HELP att_broker_connected Whether the att.events subscription is connected.\n"
      lines += "# TYPE att_broker_connected gauge\n"
      lines += "att_broker_connected \(follower.brokerConnected.load(ordering: .relaxed) ? 1 : 0)\n"
    }
    return Response(
      status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: ResponseBody(byteBuffer: ByteBuffer(string: lines))
    )
  }

  // MARK: API: reads

  func me(_ context: AppContext) throws -> JSONBody {
    struct Me: Encodable {
      let name: String
      let role: String
      let csrf: String?
      let late_after: String?
      let today: String
      let mode: String
    }
    let identity = context.identity!
    return try JSONBody(
      Me(
        name: identity.name, role: identity.role.rawValue, csrf: context.sessionCookie.map(signer.csrfToken),
        late_after: settings.lateAfter, today: Day.today().text, mode: settings.broker == nil ? "direct" : "queue"))
  }

  func people(_ request: Request) throws -> JSONBody {
    let q = Query(request)
    let classID = try q.identifier("class")
    let search = try q.text("q")?.lowercased()
    var people = try settings.store.people(includeRemoved: try q.flag("all"))
    if let classID { people = people.filter { $0.classes.contains(classID) } }
    if let search { people = people.filter { $0.name.lowercased().contains(search) || $0.id.lowercased().contains(search) } }
    return try JSONBody(people)
  }

  func person(_ context: AppContext) throws -> JSONBody {
    let id = try personID(context)
    guard let person = try settings.store.person(id) else { throw HTTPError(.notFound, message: "no person '\(id)'") }
    return try JSONBody(person)
  }

  func personAttendance(_ request: Request, _ context: AppContext) throws -> JSONBody {
    let id = try personID(context)
    guard try settings.store.person(id) != nil else { throw HTTPError(.notFound, message: "no person '\(id)'") }
    let q = Query(request)
    var filter = try q.filter()
    filter.personID = id
    return try JSONBody(queries.attendance(filter, limit: try q.limit(), before: try q.integer("before")))
  }

  /// A person's days over a range (the last 30 by default): each school day's state from the
  /// roster, and the counts and attendance rate over the school days since their enrolment.
  func personReport(_ request: Request, _ context: AppContext) throws -> JSONBody {
    let id = try personID(context)
    guard let person = try settings.store.person(id) else { throw HTTPError(.notFound, message: "no person '\(id)'") }
    let filter = try Query(request).filter()
    let to = filter.to ?? Day.today()
    let from = filter.from ?? to.adding(days: -29)
    guard Day.range(from, to).count <= AttendanceQueries.longestRange else {
      throw HTTPError(.badRequest, message: "from, to: the range is longer than \(AttendanceQueries.longestRange) days")
    }
    struct DayState: Encodable {
      let day: String
      let school_day: Bool
      let entry: Roster.Entry
    }
    struct Report: Encodable {
      let person: PersonRecord
      let from: String
      let to: String
      /// School days on which the person was enrolled.
      let school_days: Int
      let present: Int
      let late: Int
      let manual: Int
      let excused: Int
      let absent: Int
      /// Present on school days over school days less excused ones; nil when there were none.
      let rate: Double?
      /// Newest first: every school day since enrolment, and any other day with a record.
      let days: [DayState]
    }
    let days = try settings.store.rosters(from: from, to: to, classID: nil, lateAfter: settings.lateAfter, personID: id)
      .compactMap { roster in
      roster.entries.first { $0.person_id == id && $0.status != .notExpected }.map {
        DayState(day: roster.day, school_day: roster.school_day, entry: $0)
      }
    }
    let school = days.filter(\.school_day)
    let here = days.filter { $0.entry.status == .present || $0.entry.status == .manual }
    let hereOnSchoolDays = school.filter { $0.entry.status == .present || $0.entry.status == .manual }.count
    let excused = school.filter { $0.entry.status == .excused }.count
    let base = school.count - excused
    return try JSONBody(
      Report(
        person: person, from: from.text, to: to.text, school_days: school.count, present: here.count,
        late: here.filter(\.entry.late).count, manual: here.filter { $0.entry.status == .manual }.count, excused: excused,
        absent: school.filter { $0.entry.status == .absent }.count,
        rate: base > 0 ? Double(hereOnSchoolDays) / Double(base) : nil, days: days.reversed()))
  }

  func attendance(_ request: Request) throws -> JSONBody {
    let q = Query(request)
    return try JSONBody(queries.attendance(try q.filter(), limit: try q.limit(), before: try q.integer("before")))
  }

  func summary(_ request: Request) throws -> JSONBody {
    let q = Query(request)
    return try JSONBody(
      queries.summary(day: try q.day("date") ?? Day.today(), classID: try q.identifier("class"), lateAfter: settings.lateAfter))
  }

  /// Present, late, absent and excused per school day over the range (the last 30 days by default).
  func daily(_ request: Request) throws -> JSONBody {
    let filter = try Query(request).filter()
    let to = filter.to ?? Day.today()
    let from = filter.from ?? to.adding(days: -29)
    guard Day.range(from, to).count <= AttendanceQueries.longestRange else {
      throw HTTPError(.badRequest, message: "from, to: the range is longer than \(AttendanceQueries.longestRange) days")
    }
    return try JSONBody(queries.daily(from: from, to: to, classID: filter.classID, lateAfter: settings.lateAfter))
  }

  /// The day's roll with each person's state (present, marked by hand, excused, absent), late or not.
  func roster(_ request: Request) throws -> JSONBody {
    let q = Query(request)
    return try JSONBody(
      settings.store.roster(day: try q.day("date") ?? Day.today(), classID: try q.identifier("class"), lateAfter: settings.lateAfter))
  }

  /// Open unknown faces, newest first, with their nearest enrolled person. Admins also get the
  /// address of the snapshot when one is kept; a viewer is never shown a face.
  func unknownFaces(_ request: Request, _ context: AppContext) throws -> JSONBody {
    let q = Query(request)
    let limit = try q.limit()
    let admin = context.identity?.role == .admin
    struct Item: Encodable {
      let face: UnknownFaceRecord
      let snapshot: String?
      func encode(to encoder: any Encoder) throws {
        try face.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(snapshot, forKey: .snapshot)
      }
      enum Keys: String, CodingKey { case snapshot }
    }
    struct Page: Encodable {
      let items: [Item]
      let next_before: Int64?
      let snapshots_kept_days: Int
    }
    let rows = try settings.store.unknownFaces(limit: limit + 1, before: try q.integer("before"), resolved: try q.flag("all"))
    let items = rows.prefix(limit).map { face in
      let visible = admin ? face : face.withoutSnapshot
      return Item(face: visible, snapshot: admin && face.media_path != nil ? "/api/unknown-faces/\(face.id)/snapshot" : nil)
    }
    return try JSONBody(
      Page(items: items, next_before: rows.count > limit ? items.last?.face.id : nil, snapshots_kept_days: settings.snapshotDays))
  }

  func unknownID(_ context: AppContext) throws -> Int64 {
    guard let id = context.parameters.get("id", as: Int64.self) else {
      throw HTTPError(.badRequest, message: "unknown face id must be a number")
    }
    return id
  }

  /// A JPEG from the media library, never cached by the browser.
  func jpeg(_ relativePath: String) throws -> Response {
    guard let data = FileManager.default.contents(atPath: settings.media.fullPath(relativePath)) else {
      throw HTTPError(.notFound, message: "the image is no longer kept")
    }
    return Response(
      status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "no-store, private"],
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
  }

  func snapshot(_ context: AppContext) throws -> Response {
    let id = try unknownID(context)
    guard let face = try settings.store.unknownFace(id), let path = face.media_path else {
      throw HTTPError(.notFound, message: "no snapshot is kept for unknown face \(id)")
    }
    return try jpeg(path)
  }

  func personPhoto(_ context: AppContext) throws -> Response {
    let id = try personID(context)
    guard let path = try settings.store.thumbnailPath(id) else { throw HTTPError(.notFound, message: "no face image of '\(id)'") }
    return try jpeg(path)
  }

  struct Enrolment: Decodable {
    let person_id: String
    let name: String
    let class_id: String?
  }

  /// Enrols the unknown face as a new person: a registration of its snapshot through the handler
  /// (its embedding is made by att-worker in queue mode, by att-extract in direct mode).
  func enrolUnknown(_ request: Request, _ context: AppContext) async throws -> Response {
    let enrolment = try await request.decode(as: Enrolment.self, context: context)
    let id = try unknownID(context)
    if let problem = PersonIdentity.validate(id: enrolment.person_id) { throw HTTPError(.badRequest, message: "person_id: \(problem)") }
    if let problem = PersonIdentity.validate(name: enrolment.name) { throw HTTPError(.badRequest, message: "name: \(problem)") }
    if let classID = enrolment.class_id, PersonIdentity.validate(id: classID) != nil {
      throw HTTPError(.badRequest, message: "class_id: '\(classID.prefix(40))' is not a valid class id")
    }
    let actor = actor(context)
    return try await database.run {
      if try self.settings.store.person(enrolment.person_id) != nil {
        throw HTTPError(.conflict, message: "'\(enrolment.person_id)' is already enrolled: use \"this is\" to add the face to them")
      }
      return try self.registerSnapshot(
        id, personID: enrolment.person_id, name: enrolment.name, classID: enrolment.class_id, resolution: "enrolled", actor: actor)
    }
  }

  struct Assignment: Decodable { let person_id: String }

  /// "This is <person>": the snapshot becomes a new face sample of an enrolled person.
  func assignUnknown(_ request: Request, _ context: AppContext) async throws -> Response {
    let assignment = try await request.decode(as: Assignment.self, context: context)
    let id = try unknownID(context)
    if let problem = PersonIdentity.validate(id: assignment.person_id) { throw HTTPError(.badRequest, message: "person_id: \(problem)") }
    let actor = actor(context)
    return try await database.run {
      guard let person = try self.settings.store.person(assignment.person_id), person.active else {
        throw HTTPError(.notFound, message: "no enrolled person '\(assignment.person_id)'")
      }
      return try self.registerSnapshot(
        id, personID: person.id, name: person.name, classID: nil, resolution: "assigned", actor: actor)
    }
  }

  func registerSnapshot(
    _ id: Int64, personID: String, name: String, classID: String?, resolution: String, actor: String
  ) throws -> Response {
    guard let face = try settings.store.unknownFace(id) else { throw HTTPError(.notFound, message: "no unknown face \(id)") }
    guard face.resolution == nil else { throw HTTPError(.conflict, message: "unknown face \(id) was already \(face.resolution!)") }
    guard let path = face.media_path, let jpeg = FileManager.default.contents(atPath: settings.media.fullPath(path)) else {
      throw HTTPError(.unprocessableContent, message: "no snapshot is kept for unknown face \(id) (snapshots off, or expired)")
    }
    let receipt = try settings.delivery.deliver(
      .register(
        RegisterMessage(
          personID: personID, name: name, faces: [FaceCrop(jpeg: jpeg)], source: "unknown face \(id) (\(face.device_id ?? "camera"))",
          capturedAt: face.captured_at, classID: classID)))
    if case .applied(let result) = receipt, case .rejected(let reason) = result.outcome {
      throw HTTPError(.unprocessableContent, message: reason)
    }
    _ = try settings.store.resolveUnknownFace(id, resolution: resolution, person: personID, actor: actor, media: settings.media)
    logger.notice("\(actor): unknown face \(id) \(resolution) as \(personID)")
    return try outcome(receipt)
  }

  func dismissUnknown(_ context: AppContext) throws -> Response {
    let id = try unknownID(context)
    guard try settings.store.resolveUnknownFace(id, resolution: "dismissed", person: nil, actor: actor(context), media: settings.media)
    else { throw HTTPError(.notFound, message: "no open unknown face \(id)") }
    return try JSONBody(["status": "dismissed"]).response(status: .ok)
  }

  func summaryCSV(_ request: Request) throws -> Response {
    let filter = try Query(request).filter()
    return csv(try queries.summaryCSV(filter), name: "attendance-summary")
  }

  /// Streamed a page of 5,000 records at a time: a year of a large site never sits in memory.
  func eventsCSV(_ request: Request) throws -> Response {
    let filter = try Query(request).filter()
    let queries = self.queries
    let database = self.database
    let body = ResponseBody { writer in
      try await queries.eventsCSV(filter, reading: { page in try await database.run(page) }) {
        try await writer.write(ByteBuffer(string: $0))
      }
      try await writer.finish(nil)
    }
    return csv(body, name: "attendance-events")
  }

  func csv(_ text: String, name: String) -> Response {
    csv(ResponseBody(byteBuffer: ByteBuffer(string: text)), name: name)
  }

  func csv(_ body: ResponseBody, name: String) -> Response {
    Response(
      status: .ok,
      headers: [
        .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)-\(Day.today().text).csv\"",
      ], body: body)
  }

  func audit(_ request: Request) throws -> JSONBody {
    try JSONBody(settings.store.auditLog(limit: try Query(request).limit()))
  }

  // MARK: API: admin changes, each with an audit record

  struct Rename: Decodable { let name: String }

  func rename(_ request: Request, _ context: AppContext) async throws -> Response {
    let change = try await request.decode(as: Rename.self, context: context)
    return try await database.run { try self.rename(change, context) }
  }

  func rename(_ change: Rename, _ context: AppContext) throws -> Response {
    let id = try personID(context)
    if let problem = PersonIdentity.validate(name: change.name) { throw HTTPError(.badRequest, message: problem) }
    guard try settings.store.person(id) != nil else { throw HTTPError(.notFound, message: "no person '\(id)'") }
    // The handler writes the audit row in the transaction of the change (in queue mode, att-worker's).
    let receipt = try settings.delivery.deliver(
      .renamePerson(RenamePersonMessage(personID: id, name: change.name, actor: actor(context))))
    logger.notice("\(actor(context)): rename \(id)")
    return try outcome(receipt)
  }

  func remove(_ request: Request, _ context: AppContext) throws -> Response {
    let id = try personID(context)
    let keep = try Query(request).flag("keep_attendance")
    guard try settings.store.person(id) != nil else { throw HTTPError(.notFound, message: "no person '\(id)'") }
    let receipt = try settings.delivery.deliver(
      .removePerson(RemovePersonMessage(personID: id, keepAttendance: keep, actor: actor(context))))
    logger.notice("\(actor(context)): remove \(id)\(keep ? ", attendance kept" : "")")
    return try outcome(receipt)
  }

  struct Correction: Decodable {
    let person_id: String
    let day: String
    let time: String?
    let class_id: String?
    let direction: String?
    let note: String?
  }

  /// A manual attendance record (a person the camera missed), applied through the same handler.
  func addAttendance(_ request: Request, _ context: AppContext) async throws -> Response {
    let correction = try await request.decode(as: Correction.self, context: context)
    return try await database.run { try self.addAttendance(correction, context) }
  }

  func addAttendance(_ c: Correction, _ context: AppContext) throws -> Response {
    if let note = c.note, let problem = MessageLimits.checkNote(note) { throw HTTPError(.badRequest, message: "note: \(problem)") }
    if let problem = PersonIdentity.validate(id: c.person_id) { throw HTTPError(.badRequest, message: "person_id: \(problem)") }
    guard let day = Day(c.day) else {
      throw HTTPError(.badRequest, message: "day: '\(LogText.safe(c.day, limit: 40))' is not a date (YYYY-MM-DD, years \(Day.years))")
    }
    let time = c.time ?? "09:00"
    guard let clock = ClockTime(time) else { throw HTTPError(.badRequest, message: "time: '\(time.prefix(40))' is not HH:MM") }
    if let classID = c.class_id, PersonIdentity.validate(id: classID) != nil {
      throw HTTPError(.badRequest, message: "class_id: '\(classID.prefix(40))' is not a valid class id")
    }
    if let direction = c.direction, direction != "in" {
      throw HTTPError(.badRequest, message: "direction: a record marked by hand is an arrival ('in')")
    }
    return try correct(
      CorrectionMessage(
        action: .markPresent, actor: actor(context), personID: c.person_id, classID: c.class_id,
        capturedAt: CapturedTime.string(from: day.date(at: clock)), note: c.note))
  }

  /// Deletes a wrong record, through the handler. Its observations stay (unlinked), so a replayed
  /// message cannot bring it back.
  func deleteAttendance(_ request: Request, _ context: AppContext) throws -> Response {
    guard let id = context.parameters.get("id", as: Int64.self) else {
      throw HTTPError(.badRequest, message: "attendance id must be a number")
    }
    let note = try Query(request).text("note")
    if let note, let problem = MessageLimits.checkNote(note) { throw HTTPError(.badRequest, message: "note: \(problem)") }
    return try correct(CorrectionMessage(action: .deleteRecord, actor: actor(context), note: note, attendanceID: id))
  }

  struct Excuse: Decodable {
    let person_id: String
    let day: String
    let class_id: String?
    let note: String?
  }

  func excuse(_ request: Request, _ context: AppContext) async throws -> Response {
    let excuse = try await request.decode(as: Excuse.self, context: context)
    if let problem = PersonIdentity.validate(id: excuse.person_id) { throw HTTPError(.badRequest, message: "person_id: \(problem)") }
    guard Day(excuse.day) != nil else {
      throw HTTPError(.badRequest, message: "day: '\(LogText.safe(excuse.day, limit: 40))' is not a date (YYYY-MM-DD)")
    }
    if let classID = excuse.class_id, PersonIdentity.validate(id: classID) != nil {
      throw HTTPError(.badRequest, message: "class_id: '\(classID.prefix(40))' is not a valid class id")
    }
    if let note = excuse.note, let problem = MessageLimits.checkNote(note) { throw HTTPError(.badRequest, message: "note: \(problem)") }
    let message = CorrectionMessage(
      action: .excuse, actor: actor(context), personID: excuse.person_id, classID: excuse.class_id, day: excuse.day,
      note: excuse.note)
    return try await database.run { try self.correct(message) }
  }

  func unexcuse(_ request: Request, _ context: AppContext) throws -> Response {
    let q = Query(request)
    guard let person = try q.identifier("person_id") else { throw HTTPError(.badRequest, message: "person_id: give the person") }
    guard let day = try q.day("day") else { throw HTTPError(.badRequest, message: "day: give the day (YYYY-MM-DD)") }
    return try correct(
      CorrectionMessage(
        action: .unexcuse, actor: actor(context), personID: person, classID: try q.identifier("class"), day: day.text))
  }

  /// A correction goes through the same handler as a camera's message (in queue mode, through the
  /// broker to att-worker), which writes the audit row in the same transaction.
  func correct(_ message: CorrectionMessage) throws -> Response {
    let receipt = try settings.delivery.deliver(.correction(message))
    logger.notice("\(message.actor): \(message.action.rawValue) \(message.personID ?? message.attendanceID.map { "record \($0)" } ?? "")")
    return try outcome(receipt)
  }

  func saveCalendar(_ request: Request, _ context: AppContext) async throws -> Response {
    let calendar = try await request.decode(as: SchoolCalendar.self, context: context)
    let actor = actor(context)
    return try await database.run {
      do {
        try self.settings.store.saveCalendar(calendar, actor: actor)
      } catch let problem as CalendarProblem {
        throw HTTPError(.badRequest, message: problem.description)
      }
      return try JSONBody(self.settings.store.calendar()).response(status: .ok)
    }
  }

  /// Who is acting, as the audit log names them.
  func actor(_ context: AppContext) -> String {
    context.identity.map { "\($0.name)\($0.viaCookie ? "" : " (token)")" } ?? "?"
  }

  func outcome(_ receipt: DeliveryReceipt) throws -> Response {
    switch receipt {
    case .queued:
      return try JSONBody(["status": "queued"]).response(status: .accepted)
    case .applied(let result):
      switch result.outcome {
      case .applied(let text): return try JSONBody(["status": "applied", "detail": text]).response(status: .ok)
      case .duplicate(let text): return try JSONBody(["status": "unchanged", "detail": text]).response(status: .ok)
      case .rejected(let reason): throw HTTPError(.unprocessableContent, message: reason)
      }
    }
  }

  func personID(_ context: AppContext) throws -> String {
    let id = context.parameters.get("id") ?? ""
    if let problem = PersonIdentity.validate(id: id) { throw HTTPError(.badRequest, message: problem) }
    return id
  }

  // MARK: the live feed

  /// Sends what the client missed (records after its `after`), then every new record as it commits.
  func liveFeed(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, _ request: Request) async throws {
    let (id, stream) = feed.join()
    defer { feed.leave(id) }
    // Catching up: every record after `after`, a page at a time (joined first, so nothing committed
    // meanwhile is missed; the dashboard ignores a record it has already shown).
    var last: Int64 = 0
    if var after = request.uri.queryParameters.get("after").flatMap({ Int64($0) }) {
      let queries = self.queries
      while true {
        let from = after
        let rows = try await database.run { try queries.feed(after: from, limit: 1000) }
        for chunk in FeedMessage.chunks(rows) { try await outbound.write(.text(FeedMessage.attendance(chunk))) }
        guard let newest = rows.last?.id else { break }
        after = newest
        last = newest
        if rows.count < 1000 { break }
      }
    }
    try await outbound.write(.text(FeedMessage.hello(caughtUpTo: last)))
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for try await _ in inbound {}  // the client's close (or pings) end the session
      }
      group.addTask {
        for await bytes in stream { try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: bytes))) }
      }
      try await group.next()
      group.cancelAll()
    }
  }
}

/// A JSON response body.
struct JSONBody: ResponseGenerator {
  let bytes: Data

  init<T: Encodable>(_ value: T) throws {
    bytes = try JSONEncoder.api.encode(value)
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

/// HTML escaping for the few server-rendered strings (the login page's message).
enum HTML {
  static func escape(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(character)
      }
    }
    return out
  }
}
