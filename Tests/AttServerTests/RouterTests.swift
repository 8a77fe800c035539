import AttTestSupport
import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AttServer

@Suite("att-serve routes (a real database, no sockets)", .testThreads)
struct RouterTests {
  @Test("nothing but /healthz without a session or token; a wrong token is refused; viewers cannot change anything")
  func authentication() async throws {
    let f = try Fixture()
    let app = try buildApplication(f.settings())
    try await app.test(.router) { client in
      try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
      for path in ["/api/people", "/api/attendance", "/api/export/summary.csv", "/metrics", "/dashboard.js"] {
        try await client.execute(uri: path, method: .get) { #expect($0.status == .unauthorized, "\(path)") }
      }
      try await client.execute(uri: "/", method: .get) {
        #expect($0.status == .seeOther)
        #expect($0.headers[.location] == "/login")
      }
      try await client.execute(uri: "/api/people", method: .get, headers: .bearer("att_not-a-real-token")) {
        #expect($0.status == .unauthorized)
      }
      try await client.execute(uri: "/api/people", method: .get, headers: .bearer(f.viewerToken)) { #expect($0.status == .ok) }
      try await client.execute(
        uri: "/api/people/21CS001", method: .patch, headers: .bearer(f.viewerToken) + [.contentType: "application/json"],
        body: ByteBuffer(string: #"{"name":"X"}"#)
      ) { #expect($0.status == .forbidden) }
      try await client.execute(uri: "/api/people/21CS001", method: .delete, headers: .bearer(f.viewerToken)) {
        #expect($0.status == .forbidden)
      }
      try await client.execute(uri: "/api/audit", method: .get, headers: .bearer(f.viewerToken)) {
        #expect($0.status == .forbidden)
      }
      #expect(try f.count("SELECT count(*) FROM people WHERE active = 1") == 3, "nothing changed")
    }
  }

  @Test("sign-in: CSRF on the form and on changes, a signed cookie, rate-limited failures, sign-out")
  func login() async throws {
    let f = try Fixture()
    let app = try buildApplication(f.settings())
    try await app.test(.router) { client in
      let (csrf, csrfCookie) = try await loginForm(client)
      // The form's token must match its cookie.
      try await client.execute(
        uri: "/login", method: .post, headers: form(cookie: "att_csrf=\(csrfCookie)"),
        body: ByteBuffer(string: "name=ana&password=\(Fixture.password.formEncoded)&csrf=forged")
      ) { #expect($0.status == .forbidden) }
      // A wrong password, five times, then even the right one waits.
      for _ in 0..<5 {
        try await client.execute(
          uri: "/login", method: .post, headers: form(cookie: "att_csrf=\(csrfCookie)"),
          body: ByteBuffer(string: "name=vic&password=wrong-password&csrf=\(csrf)")
        ) { #expect($0.status == .unauthorized) }
      }
      try await client.execute(
        uri: "/login", method: .post, headers: form(cookie: "att_csrf=\(csrfCookie)"),
        body: ByteBuffer(string: "name=vic&password=\(Fixture.password.formEncoded)&csrf=\(csrf)")
      ) {
        #expect($0.status == .tooManyRequests)
        #expect(Int($0.headers[.retryAfter] ?? "") ?? 0 > 0)
      }
      // Another account from a fresh limiter key signs in and gets a signed session cookie.
      let session = try await signIn(client, "ana")
      try await client.execute(uri: "/api/me", method: .get, headers: [.cookie: "att_session=\(session)"]) { response in
        #expect(response.status == .ok)
        let me = try json(response.body) as? [String: Any]
        #expect(me?["name"] as? String == "ana" && me?["role"] as? String == "admin")
      }
      // A tampered cookie is nobody. The signature's first character carries six whole bits, so
      // changing it always changes the signature (changing the last two could, about once in 256
      // runs, leave the decoded bytes as they were).
      let dot = session.firstIndex(of: ".")!
      let first = session[session.index(after: dot)]
      var tampered = session
      tampered.replaceSubrange(session.index(after: dot)...session.index(after: dot), with: first == "A" ? "B" : "A")
      try await client.execute(uri: "/api/me", method: .get, headers: [.cookie: "att_session=\(tampered)"]) {
        #expect($0.status == .unauthorized)
      }
      // Changes with the cookie need the CSRF token from /api/me.
      let body = ByteBuffer(string: #"{"name":"Barack H. Obama"}"#)
      try await client.execute(
        uri: "/api/people/21CS001", method: .patch,
        headers: [.cookie: "att_session=\(session)", .contentType: "application/json"],
        body: body
      ) { #expect($0.status == .forbidden) }
      let token = try await client.execute(uri: "/api/me", method: .get, headers: [.cookie: "att_session=\(session)"]) {
        (try json($0.body) as? [String: Any])?["csrf"] as? String ?? ""
      }
      try await client.execute(
        uri: "/api/people/21CS001", method: .patch,
        headers: [.cookie: "att_session=\(session)", .contentType: "application/json", .init("X-CSRF-Token")!: token], body: body
      ) { #expect($0.status == .ok) }
      #expect(try f.store.person("21CS001")?.name == "Barack H. Obama")
      // A removed account's cookie stops working at once.
      try Accounts(store: f.store).removeUser("ana")
      try await client.execute(uri: "/api/me", method: .get, headers: [.cookie: "att_session=\(session)"]) {
        #expect($0.status == .unauthorized)
      }
    }
  }

  @Test(
    "an account made by the OpenSSL-based code before swift-crypto still signs in; a new hash verifies; HMAC and SHA-256 match known answers"
  )
  func cryptoCompatibility() throws {
    let f = try Fixture()
    // Made on 2026-12-02 by `att-serve user add olduser` built on OpenSSL's PKCS5_PBKDF2_HMAC (and
    // checked with Python's hashlib.pbkdf2_hmac): the row as that database holds it.
    let old = "pbkdf2-sha256$600000$CHB4SWhy9Zp_hEioLrjZLA$fVh-HWL2Rp-6ySaAjakLyxjRTOADdVsG4TcmwThL9CM"
    try f.store.write { db in
      try db.execute(
        sql:
          "INSERT INTO users (name, password_hash, role, created_at) VALUES ('olduser', ?, 'viewer', '2026-12-02 01:51:26.161')",
        arguments: [old])
    }
    let accounts = Accounts(store: f.store)
    #expect(try accounts.verify("olduser", password: "old-code password")?.role == .viewer)
    #expect(try accounts.verify("olduser", password: "old-code passwor") == nil)
    let fresh = PasswordHash.make("correct horse", iterations: 1_000)
    #expect(PasswordHash.verify("correct horse", against: fresh) && !PasswordHash.verify("correct hors", against: fresh))
    #expect(!PasswordHash.verify("x", against: "pbkdf2-sha256$0$AA$AA") && !PasswordHash.verify("x", against: "md5$1$AA$AA"))
    // RFC 4231 test case 2, and SHA-256 of "abc" (FIPS 180-2).
    let mac = Secrets.hmacSHA256(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8))
    #expect(mac.map { String(format: "%02x", $0) }.joined() == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    #expect(Data("abc".utf8).sha256Hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(Secrets.randomBytes(32).count == 32 && Secrets.randomBytes(16) != Secrets.randomBytes(16))
  }

  @Test("REST: people, classes, paged attendance, today's present, absent and late, per-day counts, devices")
  func reads() async throws {
    let f = try Fixture()
    try f.attend("21CS001", "2026-11-24T08:50:00+01:00")
    try f.attend("21CS001", "2026-11-25T08:55:00+01:00")
    try f.attend("21CS001", "2026-11-25T09:10:00+01:00")  // a duplicate of the same day
    try f.attend("21CS002", "2026-11-25T09:20:00+01:00", device: "cam-2")
    try f.attend("21EE001", "2026-11-25T08:00:00+01:00", classID: "EE")
    let app = try buildApplication(f.settings())
    let auth = HTTPFields.bearer(f.viewerToken)
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/people?class=CS", method: .get, headers: auth) {
        let people = try json($0.body) as? [[String: Any]]
        #expect(people?.compactMap { $0["id"] as? String } == ["21CS001", "21CS002"])
      }
      try await client.execute(uri: "/api/people/21CS002", method: .get, headers: auth) {
        #expect((try? json($0.body) as? [String: Any])?["name"] as? String == Fixture.hostileName)
      }
      try await client.execute(uri: "/api/people/nobody", method: .get, headers: auth) { #expect($0.status == .notFound) }
      try await client.execute(uri: "/api/classes", method: .get, headers: auth) {
        let classes = try json($0.body) as? [[String: Any]]
        #expect(classes?.first { $0["id"] as? String == "CS" }?["members"] as? Int == 2)
      }
      // Pages of two, newest first, continued with next_before.
      let first = try await client.execute(uri: "/api/attendance?limit=2", method: .get, headers: auth) {
        try json($0.body) as? [String: Any]
      }
      let items = first?["items"] as? [[String: Any]] ?? []
      #expect(items.count == 2)
      let next = first?["next_before"] as? Int ?? 0
      try await client.execute(uri: "/api/attendance?limit=2&before=\(next)", method: .get, headers: auth) {
        let page = try json($0.body) as? [String: Any]
        #expect((page?["items"] as? [[String: Any]])?.count == 2)
        #expect(page?["next_before"] is NSNull)
      }
      try await client.execute(uri: "/api/people/21CS001/attendance?from=2026-11-25", method: .get, headers: auth) {
        #expect(((try? json($0.body) as? [String: Any])?["items"] as? [Any])?.count == 1)
      }
      try await client.execute(uri: "/api/summary?date=2026-11-25&class=CS", method: .get, headers: auth) {
        let summary = try json($0.body) as? [String: Any]
        let present = summary?["present"] as? [[String: Any]] ?? []
        #expect(present.map { $0["person_id"] as? String } == ["21CS001", "21CS002"])
        #expect(present.map { $0["late"] as? Bool } == [false, true], "09:20 is after 09:00")
        #expect(summary?["expected"] as? Int == 2 && (summary?["absent"] as? [Any])?.isEmpty == true)
      }
      try await client.execute(uri: "/api/summary?date=2026-11-24&class=CS", method: .get, headers: auth) {
        let absent = (try json($0.body) as? [String: Any])?["absent"] as? [[String: Any]]
        #expect(absent?.map { $0["person_id"] as? String } == ["21CS002"])
      }
      try await client.execute(uri: "/api/daily?from=2026-11-01&to=2026-11-30&class=CS", method: .get, headers: auth) {
        let days = try json($0.body) as? [[String: Any]] ?? []
        #expect(days.count == 30, "every school day of the range (the fixture's calendar has seven a week)")
        let figures = days.filter { ($0["present"] as? Int ?? 0) > 0 }.map {
          "\($0["day"]!) present \($0["present"]!) late \($0["late"]!) absent \($0["absent"]!)"
        }
        #expect(figures == ["2026-11-24 present 1 late 0 absent 1", "2026-11-25 present 2 late 1 absent 0"])
      }
      try await client.execute(uri: "/api/daily?from=2025-01-01&to=2026-11-30", method: .get, headers: auth) {
        #expect($0.status == .badRequest, "a range longer than 400 days")
      }
      try await client.execute(uri: "/api/devices", method: .get, headers: auth) {
        #expect(Set((try? json($0.body) as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []) == ["cam-1", "cam-2"])
      }
      try await client.execute(uri: "/api/unknown-faces", method: .get, headers: auth) { #expect($0.status == .ok) }
    }
  }

  @Test("CSV exports: the seed's summary columns and figures, formula-safe names, one line per record")
  func exports() async throws {
    let f = try Fixture()
    try f.attend("21CS001", "2026-11-24T08:50:00+01:00")
    try f.attend("21CS001", "2026-11-25T08:55:00+01:00")
    try f.attend("21CS002", "2026-11-25T09:20:00+01:00")
    try f.attend("21EE001", "2026-11-25T08:00:00+01:00", classID: "EE")
    let app = try buildApplication(f.settings())
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/export/summary.csv?class=CS", method: .get, headers: .bearer(f.viewerToken)) {
        #expect($0.headers[.contentType]?.hasPrefix("text/csv") == true)
        #expect($0.headers[.contentDisposition]?.contains("attachment") == true)
        let lines = String(buffer: $0.body).split(separator: "\r\n").map(String.init)
        #expect(lines[0] == "Roll No,Name,Attended,Sessions,Percentage")
        #expect(lines[1] == "21CS001,Barack Obama,2,2,100.00")
        #expect(lines[2] == "21CS002,\"\(Fixture.hostileName.replacingOccurrences(of: "\"", with: "\"\""))\",1,2,50.00")
      }
      try await client.execute(uri: "/api/export/summary.csv", method: .get, headers: .bearer(f.viewerToken)) {
        let text = String(buffer: $0.body)
        #expect(text.contains("21EE001,\"'=HYPERLINK(\"\"http://x\"\")\",1,2,50.00"), "a formula is never a formula")
      }
      // A record dated before the person's enrolment is not a session of theirs: it does not count.
      try f.store.write { db in
        try db.execute(sql: "UPDATE people SET created_at = '2026-11-25 07:00:00.000' WHERE id = '21CS001'")
      }
      try await client.execute(uri: "/api/export/summary.csv?class=CS", method: .get, headers: .bearer(f.viewerToken)) {
        let lines = String(buffer: $0.body).split(separator: "\r\n").map(String.init)
        #expect(lines[1] == "21CS001,Barack Obama,1,1,100.00", "never more attended than sessions: \(lines[1])")
      }
      try await client.execute(uri: "/api/export/events.csv?from=2026-11-25", method: .get, headers: .bearer(f.viewerToken)) {
        let lines = String(buffer: $0.body).split(separator: "\r\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("id,person_id,name,class_id,device_id,captured_at"))
      }
    }
    // The export goes page by page (5,000 records a page in use): pages of 1 give every record once.
    var after: Int64 = 0
    var ids: [Int64] = []
    while true {
      let page = try f.store.eventsCSVPage(AttendanceFilter(), after: after, limit: 1)
      ids += page.text.split(separator: "\r\n").compactMap { Int64($0.prefix { $0 != "," }) }
      guard let last = page.last else { break }
      after = last
    }
    #expect(ids.count == 4 && Set(ids).count == 4 && ids == ids.sorted())
  }

  @Test("admin: rename, manual attendance, delete a record (a replay does not bring it back), remove a person; all audited")
  func adminChanges() async throws {
    let f = try Fixture()
    let observation = UUID()
    _ = try f.handler.apply(
      .attendance(
        AttendanceMessage(
          id: observation, personID: "21CS002", deviceID: "cam-1", classID: "CS", capturedAt: "2026-11-25T09:20:00+01:00")))
    let app = try buildApplication(f.settings())
    let admin = HTTPFields.bearer(f.adminToken) + [.contentType: "application/json"]
    try await app.test(.router) { client in
      try await client.execute(
        uri: "/api/attendance", method: .post, headers: admin,
        body: ByteBuffer(
          string: #"{"person_id":"21CS001","day":"2026-11-25","time":"08:45","class_id":"CS","note":"camera was off"}"#)
      ) { #expect($0.status == .ok) }
      #expect(
        try f.count(
          """
          SELECT count(*) FROM attendance WHERE person_id = '21CS001' AND device_id IS NULL
          AND marked_by = 'admin-script (token)' AND note = 'camera was off'
          """) == 1, "a record marked by hand carries who marked it and the note; it has no camera")
      let audited = try f.count("SELECT count(*) FROM audit_log")
      try await client.execute(
        uri: "/api/attendance", method: .post, headers: admin,
        body: ByteBuffer(string: #"{"person_id":"nobody","day":"2026-11-25"}"#)
      ) { #expect($0.status == .unprocessableContent) }
      try await client.execute(
        uri: "/api/attendance", method: .post, headers: admin,
        body: ByteBuffer(string: #"{"person_id":"21CS001","day":"2026-13-01"}"#)
      ) { #expect($0.status == .badRequest) }
      // A missing field is named as the API spells it, not in the decoder's words.
      try await client.execute(
        uri: "/api/attendance", method: .post, headers: admin, body: ByteBuffer(string: #"{"person_id":"21CS001"}"#)
      ) {
        #expect($0.status == .badRequest)
        #expect(String(buffer: $0.body).contains("'day' is missing"), "\(String(buffer: $0.body))")
      }
      #expect(try f.count("SELECT count(*) FROM audit_log") == audited, "a refused correction leaves no audit row")

      let wrong = try f.store.reader { db in try Int64.fetchOne(db, sql: "SELECT id FROM attendance WHERE person_id = '21CS002'")
      }!
      try await client.execute(uri: "/api/attendance/\(wrong)", method: .delete, headers: admin) { #expect($0.status == .ok) }
      _ = try f.handler.apply(
        .attendance(
          AttendanceMessage(
            id: observation, personID: "21CS002", deviceID: "cam-1", classID: "CS", capturedAt: "2026-11-25T09:20:00+01:00")))
      #expect(
        try f.count("SELECT count(*) FROM attendance WHERE person_id = '21CS002'") == 0, "the replayed observation stays deleted")

      try await client.execute(uri: "/api/people/21CS002", method: .delete, headers: admin) { #expect($0.status == .ok) }
      #expect(try f.store.person("21CS002") == nil)
      #expect(!FileManager.default.fileExists(atPath: "\(f.folder)/media/21CS002"), "the face images are erased")
      try await client.execute(uri: "/api/audit", method: .get, headers: admin) {
        let entries = try json($0.body) as? [[String: Any]] ?? []
        #expect(entries.map { $0["action"] as? String } == ["remove", "attendance deleted", "attendance added"])
        #expect(entries.allSatisfy { $0["actor"] as? String == "admin-script (token)" })
      }
    }
  }

  @Test("hostile input: bad dates, huge values, injection-shaped ids and limits each get a 400 naming the parameter")
  func hostileInput() async throws {
    let f = try Fixture()
    let app = try buildApplication(f.settings())
    let huge = String(repeating: "A", count: 20_000)
    try await app.test(.router) { client in
      let cases: [(String, String)] = [
        ("/api/attendance?from=2026-02-30", "from"),
        ("/api/attendance?to=yesterday", "to"),
        ("/api/attendance?from=2026-11-25&to=2026-11-01", "to"),
        ("/api/attendance?class=%27%20OR%201%3D1--", "class"),
        ("/api/attendance?person=\(huge)", "person"),
        ("/api/attendance?limit=100000", "limit"),
        ("/api/attendance?before=-1", "before"),
        ("/api/summary?date=%3Cscript%3E", "date"),
        ("/api/people?all=maybe", "all"),
      ]
      for (uri, parameter) in cases {
        try await client.execute(uri: uri, method: .get, headers: .bearer(f.viewerToken)) { response in
          #expect(response.status == .badRequest, "\(uri.prefix(80))")
          let message = ((try? json(response.body) as? [String: Any])?["error"] as? [String: Any])?["message"] as? String
          #expect(message?.hasPrefix("parameter '\(parameter)'") == true, "\(message ?? "none")")
        }
      }
      try await client.execute(
        uri: "/api/people/21CS001", method: .patch, headers: .bearer(f.adminToken) + [.contentType: "application/json"],
        body: ByteBuffer(string: "{not json")
      ) { #expect($0.status == .badRequest) }
      // Names are data: JSON escapes them, and the dashboard inserts them as text (see the browser test).
      try await client.execute(uri: "/api/people/21CS002", method: .get, headers: .bearer(f.viewerToken)) {
        #expect($0.headers[.contentType]?.hasPrefix("application/json") == true)
        #expect($0.headers[.init("X-Content-Type-Options")!] == "nosniff")
      }
    }
  }

  @Test("sessions end on the server: sign-out, a password change and removal end them at once; a re-added account gets none back")
  func sessionsEnd() async throws {
    let f = try Fixture()
    let app = try buildApplication(f.settings())
    let accounts = {
      var accounts = Accounts(store: f.store)
      accounts.iterations = 1_000
      return accounts
    }()
    try await app.test(.router) { client in
      func me(_ session: String) async throws -> HTTPResponse.Status {
        try await client.execute(uri: "/api/me", method: .get, headers: [.cookie: "att_session=\(session)"]) { $0.status }
      }
      // Sign-out ends that session (the old cookie, replayed, is nobody), not the account's others.
      let first = try await signIn(client, "ana")
      let second = try await signIn(client, "ana")
      let csrf = try await client.execute(uri: "/api/me", method: .get, headers: [.cookie: "att_session=\(first)"]) {
        (try json($0.body) as? [String: Any])?["csrf"] as? String ?? ""
      }
      try await client.execute(
        uri: "/logout", method: .post, headers: [.cookie: "att_session=\(first)", .init("X-CSRF-Token")!: csrf]
      ) { #expect($0.status == .seeOther) }
      #expect(try await me(first) == .unauthorized, "signed out")
      #expect(try await me(second) == .ok, "another session of the same account goes on")
      // A new password ends every session of the account.
      try accounts.addUser("ana", password: "another password 123", role: .admin, replace: true)
      #expect(try await me(second) == .unauthorized, "the password changed")
      // Removed, then re-added with another role: the old cookie does not come back to life.
      let vic = try await signIn(client, "vic")
      try accounts.removeUser("vic")
      try accounts.addUser("vic", password: Fixture.password, role: .admin)
      #expect(try await me(vic) == .unauthorized, "removal ended it for good")
      #expect(try f.count("SELECT count(*) FROM sessions WHERE user_name = 'vic'") == 0)
    }
  }

  @Test(
    "the roster: present, late, by hand, excused and absent; corrections through the handler with their audit rows; the calendar decides who is absent"
  )
  func rosterAndCorrections() async throws {
    let f = try Fixture()
    try f.attend("21CS001", "2026-11-24T08:50:00+01:00")
    try f.attend("21CS002", "2026-11-25T09:20:00+01:00")
    let app = try buildApplication(f.settings())
    let admin = HTTPFields.bearer(f.adminToken) + [.contentType: "application/json"]
    let viewer = HTTPFields.bearer(f.viewerToken) + [.contentType: "application/json"]
    @Sendable func roster(_ client: some TestClientProtocol, _ day: String) async throws -> [String: Any] {
      try await client.execute(uri: "/api/roster?date=\(day)&class=CS", method: .get, headers: viewer) {
        try json($0.body) as? [String: Any] ?? [:]
      }
    }
    @Sendable func states(_ r: [String: Any]) -> [String] {
      (r["entries"] as? [[String: Any]] ?? []).map {
        "\($0["person_id"]!)=\($0["status"]!)\($0["late"] as? Bool == true ? "+late" : "")"
      }
      .sorted()
    }
    try await app.test(.router) { client in
      var r = try await roster(client, "2026-11-25")
      #expect(states(r) == ["21CS001=absent", "21CS002=present+late"])
      #expect(r["late_after"] as? String == "09:00" && r["expected"] as? Int == 2 && r["absent"] as? Int == 1)
      // A viewer may read, not correct.
      try await client.execute(
        uri: "/api/excusals", method: .post, headers: viewer,
        body: ByteBuffer(string: #"{"person_id":"21CS001","day":"2026-11-25"}"#)
      ) { #expect($0.status == .forbidden) }
      // Excuse, withdraw, then mark present by hand and undo it.
      try await client.execute(
        uri: "/api/excusals", method: .post, headers: admin,
        body: ByteBuffer(string: #"{"person_id":"21CS001","day":"2026-11-25","class_id":"CS","note":"dentist"}"#)
      ) { #expect($0.status == .ok) }
      r = try await roster(client, "2026-11-25")
      #expect(states(r) == ["21CS001=excused", "21CS002=present+late"])
      #expect(
        (r["entries"] as? [[String: Any]])?.first { $0["person_id"] as? String == "21CS001" }?["note"] as? String == "dentist")
      try await client.execute(uri: "/api/excusals?person_id=21CS001&day=2026-11-25&class=CS", method: .delete, headers: admin) {
        #expect($0.status == .ok)
      }
      try await client.execute(
        uri: "/api/attendance", method: .post, headers: admin,
        body: ByteBuffer(
          string: #"{"person_id":"21CS001","day":"2026-11-25","time":"08:55","class_id":"CS","note":"card reader"}"#)
      ) { #expect($0.status == .ok) }
      r = try await roster(client, "2026-11-25")
      #expect(states(r) == ["21CS001=manual", "21CS002=present+late"])
      let entry = (r["entries"] as? [[String: Any]])?.first { $0["person_id"] as? String == "21CS001" } ?? [:]
      #expect(entry["marked_by"] as? String == "admin-script (token)" && entry["note"] as? String == "card reader")
      let record = entry["attendance_id"] as? Int ?? 0
      try await client.execute(uri: "/api/attendance/\(record)", method: .delete, headers: admin) { #expect($0.status == .ok) }
      #expect(states(try await roster(client, "2026-11-25")) == ["21CS001=absent", "21CS002=present+late"])
      #expect(
        try f.count("SELECT count(*) FROM audit_log WHERE actor = 'admin-script (token)'") == 4,
        "excused, excuse withdrawn, attendance added, attendance deleted")
      try await client.execute(
        uri: "/api/excusals", method: .post, headers: admin,
        body: ByteBuffer(string: #"{"person_id":"21CS002","day":"2026-11-25","class_id":"CS"}"#)
      ) { #expect($0.status == .unprocessableContent, "a person who is present cannot be excused") }

      // The calendar: Wednesdays off, a holiday, and the class starting at 09:30 (so 09:20 is on time).
      try await client.execute(
        uri: "/api/calendar", method: .put, headers: admin,
        body: ByteBuffer(
          string: #"{"weekdays":[1,2,4,5],"holidays":[{"day":"2026-11-24","name":"Staff day"}],"class_starts":{"CS":"09:30"}}"#)
      ) { #expect($0.status == .ok) }
      r = try await roster(client, "2026-11-25")
      #expect(r["school_day"] as? Bool == false && r["absent"] as? Int == 0 && r["expected"] as? Int == 0)
      #expect(states(r) == ["21CS001=not-expected", "21CS002=present"], "09:20 is before the class's 09:30 start")
      r = try await roster(client, "2026-11-24")
      #expect(r["holiday"] as? String == "Staff day" && r["absent"] as? Int == 0)
      try await client.execute(
        uri: "/api/calendar", method: .put, headers: admin,
        body: ByteBuffer(string: #"{"weekdays":[8],"holidays":[],"class_starts":{}}"#)
      ) {
        #expect($0.status == .badRequest)
        #expect(String(buffer: $0.body).contains("weekdays: 8 is not 1 (Monday) to 7 (Sunday)"))
      }
      try await client.execute(
        uri: "/api/calendar", method: .put, headers: admin,
        body: ByteBuffer(string: #"{"weekdays":[1],"holidays":[],"class_starts":{"XX":"08:00"}}"#)
      ) { #expect(String(buffer: $0.body).contains("class_starts: no class 'XX'")) }
      #expect(try f.count("SELECT count(*) FROM audit_log WHERE action = 'calendar changed'") == 1)
      // People enrolled later are not absent before: 21CS001 enrolled on 2026-11-26.
      try f.store.write { db in
        try db.execute(sql: "UPDATE people SET created_at = '2026-11-26 07:00:00.000' WHERE id = '21CS001'")
      }
      try await client.execute(
        uri: "/api/calendar", method: .put, headers: admin,
        body: ByteBuffer(string: #"{"weekdays":[1,2,3,4,5,6,7],"holidays":[],"class_starts":{"CS":""}}"#)
      ) { #expect($0.status == .ok) }
      #expect(states(try await roster(client, "2026-11-25")) == ["21CS002=present+late"])
      // The person page's report: rate over school days since enrolment.
      try await client.execute(uri: "/api/people/21CS002/report?from=2026-11-24&to=2026-11-25", method: .get, headers: viewer) {
        let report = try json($0.body) as? [String: Any] ?? [:]
        #expect(report["school_days"] as? Int == 2 && report["present"] as? Int == 1 && report["absent"] as? Int == 1)
        #expect(report["rate"] as? Double == 0.5 && report["late"] as? Int == 1)
      }
      // The summary export follows the calendar: sessions are the school days since enrolment.
      try await client.execute(
        uri: "/api/export/summary.csv?class=CS&from=2026-11-24&to=2026-11-25", method: .get, headers: viewer
      ) {
        let lines = String(buffer: $0.body).split(separator: "\r\n").map(String.init)
        #expect(
          lines[1] == "21CS001,Barack Obama,0,0,0.00", "enrolled after the range: no sessions, and a record then is none either")
        #expect(lines[2].hasSuffix(",1,2,50.00"))
      }
    }
  }

  @Test(
    "unknown faces: the snapshot for admins only, enrol as a new person, \"this is\" a person, dismiss; snapshots deleted when dealt with or after the retention period"
  )
  func unknownFaces() async throws {
    let f = try Fixture()
    try f.unknownFace(photo: "grace_hopper.jpg")
    try f.unknownFace(photo: "messi5.jpg")
    try f.unknownFace(nearest: nil, photo: "faceapi_expr_happy.jpg")
    let app = try buildApplication(f.settings())
    let admin = HTTPFields.bearer(f.adminToken) + [.contentType: "application/json"]
    let viewer = HTTPFields.bearer(f.viewerToken)
    let ids = try f.store.reader { db in try Int64.fetchAll(db, sql: "SELECT id FROM unknown_faces ORDER BY id") }
    let snapshotFile = { @Sendable (id: Int64) throws -> String? in
      try f.store.reader { db in
        try String.fetchOne(db, sql: "SELECT media_path FROM unknown_faces WHERE id = ?", arguments: [id])
      }
      .map { "\(f.folder)/media/\($0)" }
    }
    let grace = try #require(try snapshotFile(ids[0]))
    #expect(FileManager.default.fileExists(atPath: grace))
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/unknown-faces", method: .get, headers: viewer) {
        let items = (try json($0.body) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        #expect(items.count == 3)
        #expect(
          items.allSatisfy { ($0["snapshot"] as? String) == nil && ($0["media_path"] as? String) == nil },
          "a viewer is never shown a face")
        #expect(items.last?["nearest_name"] as? String == "Barack Obama")
      }
      try await client.execute(uri: "/api/unknown-faces/\(ids[0])/snapshot", method: .get, headers: viewer) {
        #expect($0.status == .forbidden)
      }
      try await client.execute(uri: "/api/unknown-faces", method: .get, headers: admin) {
        let page = try json($0.body) as? [String: Any] ?? [:]
        let items = page["items"] as? [[String: Any]] ?? []
        #expect(items.last?["snapshot"] as? String == "/api/unknown-faces/\(ids[0])/snapshot")
        #expect(page["snapshots_kept_days"] as? Int == 30)
      }
      try await client.execute(uri: "/api/unknown-faces/\(ids[0])/snapshot", method: .get, headers: admin) {
        #expect($0.status == .ok && $0.headers[.contentType] == "image/jpeg")
        let original = try Data(contentsOf: URL(fileURLWithPath: "\(Checkout.shared)/faces/unknown/grace_hopper.jpg"))
        #expect(Data(buffer: $0.body) == original)
        #expect($0.headers[.cacheControl]?.contains("no-store") == true)
      }
      // Enrol the first as a new person: a registration through the handler, with the snapshot as her face.
      try await client.execute(
        uri: "/api/unknown-faces/\(ids[0])/enrol", method: .post, headers: admin,
        body: ByteBuffer(string: #"{"person_id":"21CS009","name":"Grace Hopper","class_id":"CS"}"#)
      ) { #expect($0.status == .ok) }
      let hopper = try #require(try f.store.person("21CS009"))
      #expect(hopper.samples == 1 && hopper.classes == ["CS"])
      #expect(
        !FileManager.default.fileExists(atPath: grace), "the snapshot is deleted once dealt with (the face is now her sample)")
      try await client.execute(
        uri: "/api/unknown-faces/\(ids[0])/enrol", method: .post, headers: admin,
        body: ByteBuffer(string: #"{"person_id":"21CS010","name":"Again"}"#)
      ) { #expect($0.status == .conflict || $0.status == .unprocessableContent) }
      // "This is Barack Obama": the second becomes one more of his samples.
      let before = try #require(try f.store.person("21CS001")).samples
      try await client.execute(
        uri: "/api/unknown-faces/\(ids[1])/assign", method: .post, headers: admin,
        body: ByteBuffer(string: #"{"person_id":"21CS001"}"#)
      ) { #expect($0.status == .ok) }
      #expect(try #require(try f.store.person("21CS001")).samples == before + 1)
      // Dismissed: the snapshot goes at once.
      let happy = try #require(try snapshotFile(ids[2]))
      try await client.execute(uri: "/api/unknown-faces/\(ids[2])/dismiss", method: .post, headers: admin) {
        #expect($0.status == .ok)
      }
      #expect(!FileManager.default.fileExists(atPath: happy))
      try await client.execute(uri: "/api/unknown-faces", method: .get, headers: admin) {
        let items = (try json($0.body) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        #expect(items.isEmpty, "dealt with, none is listed")
      }
      #expect(
        try f.count(
          "SELECT count(*) FROM audit_log WHERE action IN ('unknown face enrolled', 'unknown face assigned', 'unknown face dismissed')"
        ) == 3)
    }
    // The retention sweep (att-serve runs it at start and every hour): the 40-day-old snapshot
    // goes, a fresh one stays.
    try f.unknownFace(at: CapturedTime.string(from: Date().addingTimeInterval(-40 * 86400)), photo: "faceapi_expr_sad.jpg")
    let oldID = try f.store.reader { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM unknown_faces") }!
    let sad = try #require(try snapshotFile(oldID))
    try f.unknownFace(photo: "faceapi_expr_neutral.jpg")
    #expect(try f.store.expireSnapshots(before: Date().addingTimeInterval(-30 * 86400), media: f.handler.media) == 1)
    #expect(!FileManager.default.fileExists(atPath: sad))
    let expired = try f.store.reader { db in
      try Bool.fetchOne(db, sql: "SELECT media_path IS NULL FROM unknown_faces WHERE id = ?", arguments: [oldID])
    }
    #expect(expired == true, "the row no longer names a snapshot")
    #expect(try f.count("SELECT count(*) FROM unknown_faces WHERE media_path IS NOT NULL") == 1)
    // A snapshot that is not a JPEG is refused, naming the field.
    let bad = try f.handler.apply(
      .unknownFace(
        UnknownFaceMessage(deviceID: "cam-1", capturedAt: CapturedTime(Date()), jpeg: Data("GIF89a".utf8))))
    guard case .rejected(let reason) = bad.outcome else { Issue.record("\(bad.outcome)"); return }
    #expect(reason.contains("'jpeg' is not JPEG data"))
  }

  @Test("every answer carries the security headers, errors included (400, 401, 403, 404, 413)")
  func headersOnErrors() async throws {
    let f = try Fixture()
    let app = try buildApplication(f.settings())
    try await app.test(.router) { client in
      let admin = HTTPFields.bearer(f.adminToken) + [.contentType: "application/json"]
      let cases: [(String, HTTPRequest.Method, HTTPFields, String?, HTTPResponse.Status)] = [
        ("/healthz", .get, [:], nil, .ok),
        ("/api/people", .get, [:], nil, .unauthorized),
        ("/api/audit", .get, .bearer(f.viewerToken), nil, .forbidden),
        ("/api/no-such-thing", .get, .bearer(f.viewerToken), nil, .notFound),
        ("/api/attendance?from=tomorrow", .get, .bearer(f.viewerToken), nil, .badRequest),
        ("/api/attendance", .post, admin, String(repeating: "x", count: 2 << 20), .contentTooLarge),
      ]
      for (path, method, headers, body, status) in cases {
        try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
          #expect($0.status == status, "\(path)")
          #expect($0.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true, "\(path) \($0.status)")
          #expect($0.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(path)")
          #expect($0.headers[.xFrameOptions] == "DENY", "\(path)")
        }
      }
    }
  }

  @Test("admin corrections refuse absurd values by field: year 0000, +999, a note longer than 500 characters, a 1.9 MB body")
  func absurdCorrections() async throws {
    let f = try Fixture()
    let app = try buildApplication(f.settings())
    try await app.test(.router) { client in
      let admin = HTTPFields.bearer(f.adminToken) + [.contentType: "application/json"]
      let cases: [(String, HTTPResponse.Status, String)] = [
        (#"{"person_id":"21CS001","day":"0000-01-01"}"#, .badRequest, "day: '0000-01-01' is not a date"),
        (#"{"person_id":"21CS001","day":"+999-01-01"}"#, .badRequest, "day: '+999-01-01' is not a date"),
        (
          #"{"person_id":"21CS001","day":"2026-11-25","note":"\#(String(repeating: "n", count: 501))"}"#, .badRequest,
          "note: is longer than 500 characters"
        ),
        (
          #"{"person_id":"21CS001","day":"2026-11-25","note":"\#(String(repeating: "n", count: 1_900_000))"}"#,
          .contentTooLarge, ""
        ),
      ]
      for (body, status, message) in cases {
        try await client.execute(uri: "/api/attendance", method: .post, headers: admin, body: ByteBuffer(string: body)) {
          #expect($0.status == status, "\(body.prefix(80))")
          #expect(message.isEmpty || String(buffer: $0.body).contains(message), "\(String(buffer: $0.body))")
        }
      }
      #expect(try f.count("SELECT count(*) FROM audit_log") == 0, "nothing reached the audit log")
      #expect(try f.count("SELECT count(*) FROM attendance") == 0)
    }
  }

  @Test("a WebSocket's origin must match host and port; log lines cannot be forged with a line break")
  func originAndLogText() {
    #expect(RequireIdentity.sameOrigin("http://127.0.0.1:8080", authority: "127.0.0.1:8080", tls: false))
    #expect(!RequireIdentity.sameOrigin("http://127.0.0.1:9999", authority: "127.0.0.1:8080", tls: false), "another port")
    #expect(!RequireIdentity.sameOrigin("http://evil.example", authority: "127.0.0.1:8080", tls: false))
    #expect(RequireIdentity.sameOrigin("https://att.school.example", authority: "att.school.example", tls: true))
    #expect(!RequireIdentity.sameOrigin("http://att.school.example", authority: "att.school.example", tls: true), "scheme's port")
    #expect(!RequireIdentity.sameOrigin("null", authority: "127.0.0.1:8080", tls: false))
    let forged = LogText.safe("x\n127.0.0.1 admin GET /api/audit 200 1.0ms")
    #expect(!forged.contains("\n") && forged.hasPrefix("x\\u{A}127.0.0.1"))
  }

  func loginForm(_ client: some TestClientProtocol) async throws -> (field: String, cookie: String) {
    try await client.execute(uri: "/login", method: .get) { response in
      let html = String(buffer: response.body)
      let field = html.components(separatedBy: "name=\"csrf\" value=\"")[1].prefix { $0 != "\"" }
      let cookie = response.headers[values: .setCookie].first { $0.hasPrefix("att_csrf=") }!
      return (String(field), String(cookie.dropFirst("att_csrf=".count).prefix { $0 != ";" }))
    }
  }

  func signIn(_ client: some TestClientProtocol, _ name: String) async throws -> String {
    let (field, cookie) = try await loginForm(client)
    return try await client.execute(
      uri: "/login", method: .post, headers: form(cookie: "att_csrf=\(cookie)"),
      body: ByteBuffer(string: "name=\(name)&password=\(Fixture.password.formEncoded)&csrf=\(field)")
    ) { response in
      #expect(response.status == .seeOther)
      let set = response.headers[values: .setCookie].first { $0.hasPrefix("att_session=") } ?? ""
      #expect(set.contains("HttpOnly") && set.contains("SameSite=Strict"))
      return String(set.dropFirst("att_session=".count).prefix { $0 != ";" })
    }
  }

  func form(cookie: String) -> HTTPFields {
    [.contentType: "application/x-www-form-urlencoded", .cookie: cookie]
  }

  @Test(
    "the register: a gate arrival counts for the pupil's class, P/L/A/E/H per school day, a BOM, named after the class and range; corrections refuse days to come and days without school"
  )
  func register() async throws {
    let f = try Fixture()
    var settings = f.settings()
    // The school's clock, never the wall's: Wednesday 25 November 2026, 10:00.
    settings.clock = SchoolClock(
      startingAt: ISO8601DateFormatter().date(from: "2026-11-25T10:00:00Z")!, timeZone: TimeZone(identifier: "UTC")!)
    try f.store.saveCalendar(
      SchoolCalendar(
        weekdays: [1, 2, 3, 4, 5], holidays: [SchoolCalendar.Holiday(day: "2026-11-23", name: "Staff day")],
        classStarts: ["CS": "08:30"]), actor: "test")
    try f.attend("21CS001", "2026-11-24T08:20:00+00:00", classID: nil, device: "gate")  // a gate camera: no class
    try f.attend("21CS001", "2026-11-25T08:45:00+00:00", classID: nil, device: "gate")
    try f.attend("21CS002", "2026-11-24T08:10:00+00:00")
    _ = try f.handler.apply(
      .correction(CorrectionMessage(.excuse(personID: "21CS002", classID: nil, day: Day("2026-11-25")!), actor: "ana", note: "dentist")))
    let app = try buildApplication(settings)
    let admin = HTTPFields.bearer(f.adminToken) + [.contentType: "application/json"]
    try await app.test(.router) { client in
      try await client.execute(
        uri: "/api/export/register.csv?class=CS&from=2026-11-21&to=2026-11-27", method: .get, headers: .bearer(f.viewerToken)
      ) {
        #expect($0.headers[.contentDisposition] == "attachment; filename=\"register-CS-2026-11-21_2026-11-27.csv\"")
        let text = String(buffer: $0.body)
        #expect(text.hasPrefix("\u{FEFF}"), "a byte-order mark for spreadsheets")
        let lines = text.dropFirst().split(separator: "\r\n").map(String.init)
        #expect(
          lines[0]
            == "Roll No,Name,2026-11-23,2026-11-24,2026-11-25,2026-11-26,2026-11-27,Present,Late,Absent,Excused,Sessions,Percentage")
        #expect(lines[1] == "21CS001,Barack Obama,H,P,L,,,1,1,0,0,2,100.0", "the gate arrivals count for CS: \(lines[1])")
        #expect(lines[2].hasSuffix(",H,P,E,,,1,0,0,1,1,100.0"), "\(lines[2])")
      }
      // Marking present: not for a day to come, not later today than now, not on a holiday.
      for (day, time, reason) in [
        ("2026-11-26", "08:00", "still to come"), ("2026-11-25", "11:00", "still to come"),
        ("2026-11-23", "08:00", "a holiday (Staff day)"), ("2026-11-22", "08:00", "not a school day"),
      ] {
        try await client.execute(
          uri: "/api/attendance", method: .post, headers: admin,
          body: ByteBuffer(string: #"{"person_id":"21CS002","day":"\#(day)","time":"\#(time)"}"#)
        ) {
          #expect($0.status == .badRequest, "\(day) \(time)")
          #expect(String(buffer: $0.body).contains(reason), "\(day): \(String(buffer: $0.body))")
        }
      }
      try await client.execute(
        uri: "/api/excusals", method: .post, headers: admin,
        body: ByteBuffer(string: #"{"person_id":"21CS002","day":"2026-11-28","note":"trip"}"#)
      ) { #expect($0.status == .badRequest, "a Saturday") }
      try await client.execute(
        uri: "/api/attendance", method: .post, headers: admin,
        body: ByteBuffer(string: #"{"person_id":"21CS002","day":"2026-11-24","time":"08:00"}"#)
      ) { #expect($0.status == .ok || $0.status == .accepted || $0.status == .created, "a past school day") }
    }
  }
}

extension HTTPFields {
  static func + (a: HTTPFields, b: HTTPFields) -> HTTPFields {
    var merged = a
    merged.append(contentsOf: b)
    return merged
  }
}

extension String {
  var formEncoded: String { addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? self }
}
