import AttTestSupport
import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import AttServer

extension RouterTests {
  @Test(
    "a teacher sees and corrects their classes only: other classes, all classes, their people, unknown faces and admin changes are refused; the feed sends them no records"
  )
  func teacher() async throws {
    let f = try Fixture()
    var accounts = Accounts(store: f.store)
    accounts.iterations = 1_000
    #expect(throws: Accounts.AccountError.self, "a teacher needs a class") {
      try accounts.addUser("tom", password: Fixture.password, role: .teacher)
    }
    #expect(throws: Accounts.AccountError.self, "a viewer has no class") {
      try accounts.addUser("val", password: Fixture.password, role: .viewer, classes: ["CS"])
    }
    #expect(throws: Accounts.AccountError.self, "a teacher is a person, not a token") {
      try accounts.addToken("tessa-script", role: .teacher)
    }
    try accounts.addUser("tess", password: Fixture.password, role: .teacher, classes: ["CS"])
    #expect(try accounts.list().first { $0.name == "tess" }?.classes == "CS")
    try f.attend("21CS001", "2026-11-25T08:20:00+00:00", classID: nil, device: "gate")
    try f.attend("21EE001", "2026-11-25T08:25:00+00:00", classID: "EE")
    try f.unknownFace(at: "2026-11-25T08:30:00+00:00")
    var settings = f.settings()
    settings.clock = SchoolClock(
      startingAt: ISO8601DateFormatter().date(from: "2026-11-25T10:00:00Z")!, timeZone: TimeZone(identifier: "UTC")!)
    let app = try buildApplication(settings)
    try await app.test(.router) { client in
      let session = try await signIn(client, "tess")
      let me = try await client.execute(uri: "/api/me", method: .get, headers: [.cookie: "att_session=\(session)"]) {
        try json($0.body) as? [String: Any] ?? [:]
      }
      #expect(me["role"] as? String == "teacher" && me["classes"] as? [String] == ["CS"])
      let headers: HTTPFields = [
        .cookie: "att_session=\(session)", .contentType: "application/json", .init("X-CSRF-Token")!: me["csrf"] as? String ?? "",
      ]
      func status(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
          ($0.status, String(buffer: $0.body))
        }
      }
      // Reads: their class, one at a time.
      #expect(try await status(.get, "/api/roster?date=2026-11-25&class=CS").0 == .ok)
      let all = try await status(.get, "/api/roster?date=2026-11-25")
      #expect(all.0 == .forbidden && all.1.contains("add class= (CS)"), "all classes: \(all.1)")
      let other = try await status(.get, "/api/roster?date=2026-11-25&class=EE")
      #expect(other.0 == .forbidden && other.1.contains("'EE' is not one of yours"), "another class: \(other.1)")
      for uri in [
        "/api/daily?class=EE", "/api/summary?class=EE", "/api/register?class=EE", "/api/export/register.csv",
        "/api/export/summary.csv?class=EE", "/api/export/events.csv", "/api/attendance", "/api/attendance?class=EE",
      ] {
        #expect(try await status(.get, uri).0 == .forbidden, "\(uri) is refused")
      }
      let classes = try await status(.get, "/api/classes").1
      #expect(classes.contains("\"CS\"") && !classes.contains("\"EE\""), "their classes only: \(classes)")
      let people = try await status(.get, "/api/people").1
      #expect(people.contains("21CS001") && people.contains("21CS002") && !people.contains("21EE001"), "their pupils only")
      #expect(try await status(.get, "/api/people/21EE001").0 == .notFound, "another class's pupil is nobody to them")
      #expect(try await status(.get, "/api/people/21EE001/report").0 == .notFound)
      #expect(try await status(.get, "/api/people/21CS001/report").0 == .ok)
      let arrivals = try await status(.get, "/api/attendance?class=CS").1
      #expect(arrivals.contains("21CS001") && !arrivals.contains("21EE001"), "the gate arrival of their pupil, no other")
      #expect(try await status(.get, "/api/unknown-faces").0 == .forbidden)
      // Corrections: their pupils, for their class.
      let mark = try await status(
        .post, "/api/attendance", #"{"person_id":"21CS002","day":"2026-11-25","time":"08:40","class_id":"CS","note":"seen in class"}"#)
      #expect(mark.0.code < 300, "a teacher marks their pupil present: \(mark.1)")
      #expect(try f.count("SELECT count(*) FROM audit_log WHERE actor = 'tess' AND action = 'attendance added' AND target = '21CS002'") == 1)
      #expect(
        try await status(.post, "/api/attendance", #"{"person_id":"21EE001","day":"2026-11-25","time":"08:40","class_id":"CS"}"#).0
          == .notFound, "not another class's pupil")
      #expect(
        try await status(.post, "/api/attendance", #"{"person_id":"21CS001","day":"2026-11-25","time":"08:40"}"#).0 == .forbidden,
        "not without naming the class")
      #expect(
        try await status(.post, "/api/excusals", #"{"person_id":"21EE001","day":"2026-11-25","class_id":"EE"}"#).0 == .forbidden)
      #expect(try await status(.post, "/api/excusals", #"{"person_id":"21CS001","day":"2026-11-26","class_id":"CS"}"#).0.code < 300)
      let record = try f.count("SELECT id FROM attendance WHERE person_id = '21EE001'")
      #expect(try await status(.delete, "/api/attendance/\(record)").0 == .notFound, "not another class's record")
      // A gate record of a pupil who is also in another class counts there too: not theirs to delete.
      try f.store.write { db in
        try db.execute(sql: "INSERT INTO class_members (class_id, person_id, joined_at) VALUES ('EE', '21CS001', '2026-09-01')")
      }
      let gate = try f.count("SELECT id FROM attendance WHERE person_id = '21CS001' AND class_id IS NULL")
      let shared = try await status(.delete, "/api/attendance/\(gate)")
      #expect(shared.0 == .forbidden && shared.1.contains("counts for EE too"), "\(shared.1)")
      #expect(try await status(.get, "/api/people?class=EE").0 == .forbidden, "no listing of another class")
      // The class's last record counts its members' gate arrivals; the summary's sessions stop at today.
      #expect(try await status(.get, "/api/classes").1.contains(#""last_day":"2026-11-25""#))
      let summary = try await status(.get, "/api/export/summary.csv?class=CS&from=2026-11-24&to=2026-11-28").1
      #expect(summary.contains("21CS001,Barack Obama,1,2,50.00"), "days to come are no sessions: \(summary)")
      // Nobody is marked before they were enrolled.
      let early = try await status(
        .post, "/api/attendance", #"{"person_id":"21CS002","day":"2026-08-31","time":"08:40","class_id":"CS"}"#)
      #expect(early.0 == .badRequest && early.1.contains("was enrolled on 2026-09-01"), "\(early.1)")
      // What only admins do.
      #expect(try await status(.patch, "/api/people/21CS001", #"{"name":"Someone Else"}"#).0 == .forbidden)
      #expect(try await status(.put, "/api/calendar", #"{"weekdays":[1],"holidays":[],"class_starts":{}}"#).0 == .forbidden)
      #expect(try await status(.get, "/api/audit").0 == .forbidden)
    }
    // A camera left on another zone: its arrival is late or not by the school's clock.
    try f.attend("21EE001", "2026-11-26T04:10:00-05:00", classID: "EE")  // 09:10 at the school (UTC)
    let roster = try f.store.roster(
      day: Day("2026-11-26")!, classID: "EE", lateAfter: "09:00", timeZone: TimeZone(identifier: "UTC")!)
    #expect(roster.entries.first { $0.personID == "21EE001" }?.late == true, "04:10 at UTC-5 is 09:10 at the school: late")
    // The live feed: a teacher's connection gets a note for an attendance message, never its records.
    let rows = try f.store.feed(after: 0)
    #expect(FeedMessage.isAttendance(ByteBuffer(string: FeedMessage.attendance(rows))))
    #expect(!FeedMessage.isAttendance(ByteBuffer(string: FeedMessage.changed("people"))))
    #expect(!FeedMessage.isAttendance(ByteBuffer(string: FeedMessage.hello(caughtUpTo: 3))))
  }
}
