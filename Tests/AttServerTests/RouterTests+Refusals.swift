import AttTestSupport
import AttendanceKit
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import AttServer

extension RouterTests {
  @Test(
    "liveness refusals: listed for review until marked present, dismissed or marked by a camera; the crop for admins only; a teacher reviews their class's pupils"
  )
  func livenessRefusals() async throws {
    let f = try Fixture()
    var accounts = Accounts(store: f.store)
    accounts.iterations = 1_000
    try accounts.addUser("tess", password: Fixture.password, role: .teacher, classes: ["CS"])
    // The gate camera (no class) refused Obama's face as a screen, with his crop; it never judged
    // Joe live; the EE room's kiosk failed a challenge; the gate refused Obama again an hour later.
    try f.refusal("21CS001", at: "2026-11-25T08:10:37+00:00", photo: "barack_obama/obama-480p.jpg")
    try f.refusal(
      "21CS002", at: "2026-11-25T08:12:00+00:00", verdict: .notMarked, reason: "the track ended before liveness was shown")
    try f.refusal(
      "21EE001", at: "2026-11-25T08:14:00+00:00", verdict: .challengeFailed, classID: "EE", reason: "the challenge failed")
    // A message delivered twice (a worker killed before its ack) is logged once.
    let again = LivenessRefusalMessage(
      personID: "21EE001", deviceID: "kiosk", classID: "EE", capturedAt: "2026-11-25T08:16:00+00:00",
      verdict: .notMarked, reason: "the track ended before liveness was shown")
    _ = try f.handler.apply(.livenessRefusal(again))
    let redelivered = try f.handler.apply(.livenessRefusal(again))
    guard case .duplicate = redelivered.outcome else { Issue.record("\(redelivered.outcome)"); return }
    // Nobody enrolled as that id: refused, naming the message and the person.
    let stranger = try f.refusal("21XX999", at: "2026-11-25T08:15:00+00:00")
    guard case .rejected(let reason) = stranger.outcome else { Issue.record("\(stranger.outcome)"); return }
    #expect(reason.contains("unknown person '21XX999'"))
    // Joe is marked by a camera later that morning: his never-live track is no longer open. A face
    // voted an attack on his name after that stays listed (a friend who got through?).
    try f.attend("21CS002", "2026-11-25T08:40:00+00:00", classID: nil, device: "gate")
    try f.refusal("21CS002", at: "2026-11-25T08:50:00+00:00", photo: "joe_biden/biden.jpg")
    let ids = try f.store.reader { db in try Int64.fetchAll(db, sql: "SELECT id FROM liveness_refusals ORDER BY id") }
    try #require(ids.count == 5)
    let crop = try #require(
      try f.store.reader { db in
        try String.fetchOne(db, sql: "SELECT media_path FROM liveness_refusals WHERE id = ?", arguments: [ids[0]])
      })
    #expect(FileManager.default.fileExists(atPath: "\(f.folder)/media/\(crop)"))

    var settings = f.settings()
    settings.clock = SchoolClock(
      startingAt: ISO8601DateFormatter().date(from: "2026-11-25T10:00:00Z")!, timeZone: TimeZone(identifier: "UTC")!)
    let app = try buildApplication(settings)
    let admin = HTTPFields.bearer(f.adminToken) + [.contentType: "application/json"]
    let viewer = HTTPFields.bearer(f.viewerToken)
    try await app.test(.router) { client in
      func items(_ uri: String, _ headers: HTTPFields) async throws -> [[String: Any]] {
        try await client.execute(uri: uri, method: .get, headers: headers) {
          #expect($0.status == .ok, "\(uri): \(String(buffer: $0.body))")
          return (try json($0.body) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        }
      }
      let seen = try await items("/api/liveness-refusals", viewer)
      #expect(
        seen.map { $0["person_id"] as? String } == ["21CS002", "21EE001", "21EE001", "21CS001"],
        "Joe's never-live track is not open since he was marked; the attack on his name is")
      #expect(seen.first?["present"] as? Bool == true && seen.first?["verdict"] as? String == "spoof")
      #expect(seen.allSatisfy { $0["snapshot"] is NSNull || $0["snapshot"] == nil }, "a viewer is never shown a face")
      #expect(seen.last?["verdict"] as? String == "spoof" && seen.last?["name"] as? String == "Barack Obama")
      let every = try await items("/api/liveness-refusals?all=true", viewer)
      #expect(
        every.count == 5 && every.filter { $0["person_id"] as? String == "21CS002" && $0["present"] as? Bool == true }.count == 2)
      let listed = try await items("/api/liveness-refusals", admin)
      #expect(listed.last?["snapshot"] as? String == "/api/liveness-refusals/\(ids[0])/snapshot")
      try await client.execute(uri: "/api/liveness-refusals/\(ids[0])/snapshot", method: .get, headers: viewer) {
        #expect($0.status == .forbidden)
      }
      try await client.execute(uri: "/api/liveness-refusals/\(ids[0])/snapshot", method: .get, headers: admin) {
        #expect($0.status == .ok && $0.headers[.contentType] == "image/jpeg")
        let original = try Data(contentsOf: URL(fileURLWithPath: "\(Checkout.shared)/faces/people/barack_obama/obama-480p.jpg"))
        #expect(Data(buffer: $0.body) == original)
      }
      try await client.execute(uri: "/api/liveness-refusals/\(ids[0])/present", method: .post, headers: viewer) {
        #expect($0.status == .forbidden, "a viewer reviews nothing")
      }

      // A teacher of CS: their class's pupils only, named by class=.
      let session = try await signIn(client, "tess")
      let me = try await client.execute(uri: "/api/me", method: .get, headers: [.cookie: "att_session=\(session)"]) {
        try json($0.body) as? [String: Any] ?? [:]
      }
      let teacher: HTTPFields = [
        .cookie: "att_session=\(session)", .contentType: "application/json", .init("X-CSRF-Token")!: me["csrf"] as? String ?? "",
      ]
      try await client.execute(uri: "/api/liveness-refusals", method: .get, headers: teacher) {
        #expect($0.status == .forbidden && String(buffer: $0.body).contains("add class= (CS)"))
      }
      let mine = try await items("/api/liveness-refusals?class=CS", teacher)
      #expect(mine.map { $0["person_id"] as? String } == ["21CS002", "21CS001"] && mine.last?["snapshot"] is NSNull)
      try await client.execute(uri: "/api/liveness-refusals/\(ids[2])/dismiss", method: .post, headers: teacher) {
        #expect($0.status == .notFound, "not a pupil of theirs: \(String(buffer: $0.body))")
      }
      // The gate had no class: a teacher of one class marks in it (of several, names one).
      try await client.execute(uri: "/api/liveness-refusals/\(ids[0])/present", method: .post, headers: teacher) {
        #expect($0.status == .ok, "\(String(buffer: $0.body))")
      }
      let marked = try f.store.reader { db in
        try Row.fetchOne(
          db,
          sql:
            "SELECT captured_at, class_id, marked_by, note FROM attendance WHERE person_id = '21CS001' AND local_day = '2026-11-25'"
        )
      }
      #expect(marked?["class_id"] as String? == "CS" && (marked?["marked_by"] as String?)?.hasPrefix("tess") == true)
      #expect(marked?["captured_at"] as String? == "2026-11-25T08:10:37+00:00", "at the moment the camera saw him, to the second")
      #expect((marked?["note"] as String?)?.contains("not marked by gate (spoof: a screen's moire") == true)
      #expect(!FileManager.default.fileExists(atPath: "\(f.folder)/media/\(crop)"), "the crop goes once reviewed")
      try await client.execute(uri: "/api/liveness-refusals/\(ids[0])/dismiss", method: .post, headers: admin) {
        #expect($0.status == .conflict && String(buffer: $0.body).contains("already reviewed (marked present) by tess"))
      }

      // The admin dismisses the failed challenge (the refusal was right) and marks the other
      // present in EE, the kiosk's class.
      try await client.execute(uri: "/api/liveness-refusals/\(ids[2])/dismiss", method: .post, headers: admin) {
        #expect($0.status == .ok)
      }
      try await client.execute(uri: "/api/liveness-refusals/\(ids[3])/present", method: .post, headers: admin) {
        #expect($0.status == .ok, "\(String(buffer: $0.body))")
      }
      try await client.execute(uri: "/api/liveness-refusals/\(ids[4])/dismiss", method: .post, headers: admin) {
        #expect($0.status == .ok)
      }
      #expect(try await items("/api/liveness-refusals", admin).isEmpty, "all reviewed")
      try await client.execute(uri: "/api/liveness-refusals/abc/present", method: .post, headers: admin) {
        #expect($0.status == .badRequest && String(buffer: $0.body).contains("liveness refusal id must be a number"))
      }
    }
    #expect(try f.count("SELECT count(*) FROM audit_log WHERE action LIKE 'liveness refusal %'") == 4)
    #expect(try f.count("SELECT count(*) FROM attendance WHERE person_id = '21EE001' AND marked_by IS NOT NULL") == 1)
    // A never-live track's crop, its person marked that day since: off the open list, and kept for
    // the retention period all the same (a photo held up for a friend marked later by other means is
    // what an admin looks back for).
    let yesterday = String(ISO8601DateFormatter().string(from: Date().addingTimeInterval(-86400)).prefix(10))
    try f.refusal("21CS002", at: "\(yesterday)T08:30:00+00:00", verdict: .notMarked, photo: "joe_biden/biden2.jpg")
    try f.attend("21CS002", "\(yesterday)T08:40:00+00:00", classID: nil, device: "gate")
    #expect(
      try f.count(
        "SELECT count(*) FROM liveness_refusals r JOIN attendance a ON a.person_id = r.person_id AND a.local_day = r.local_day WHERE r.media_path IS NOT NULL"
      ) == 1, "marked that day since, with its crop")
    #expect(try f.store.expireSnapshots(before: Date().addingTimeInterval(-30 * 86400), media: f.handler.media) == 0)
    // The retention sweep takes a refusal's crop as it takes an unknown face's.
    try f.refusal(
      "21CS001", at: CapturedTime.string(from: Date().addingTimeInterval(-40 * 86400)), photo: "barack_obama/obama-240p.jpg")
    #expect(try f.store.expireSnapshots(before: Date().addingTimeInterval(-30 * 86400), media: f.handler.media) == 1)
    #expect(try f.count("SELECT count(*) FROM liveness_refusals WHERE media_path IS NOT NULL") == 1)
  }

  @Test(
    "the liveness summary counts what the cameras marked and why, the marks a reviewer deleted, and each verdict's refusals by what became of them: the site's own measure of the live people refused"
  )
  func livenessSummary() async throws {
    let f = try Fixture()
    var accounts = Accounts(store: f.store)
    accounts.iterations = 1_000
    try accounts.addUser("tess", password: Fixture.password, role: .teacher, classes: ["CS"])
    // Tuesday: the gate marks both CS pupils, the EE room's camera its pupil; Monday's mark of the
    // EE pupil will be deleted by a reviewer (a phone held up?); Monday's challenge of Obama failed,
    // unreviewed.
    try f.attend("21CS001", "2026-11-25T08:01:00+00:00", classID: nil, device: "gate", live: "live: solid head motion")
    try f.attend("21CS002", "2026-11-25T08:02:00+00:00", classID: nil, device: "gate", live: "live: blink")
    try f.attend("21EE001", "2026-11-25T08:03:00+00:00", classID: "EE", live: "live: solid head motion")
    // A camera run with liveness off (tests only) marks, and judges nobody: not in the rate.
    _ = try f.handler.apply(
      .attendance(
        AttendanceMessage(
          personID: "21EE001", deviceID: "bench", classID: "EE", capturedAt: "2026-11-26T07:00:00+00:00",
          liveness: .init(verdict: "off", reason: "liveness off"))))
    try f.attend("21EE001", "2026-11-24T08:03:00+00:00", classID: "EE", live: "live: solid head motion")
    try f.refusal("21CS001", at: "2026-11-24T08:04:00+00:00", verdict: .challengeFailed, reason: "the challenge failed")
    // Wednesday: Obama refused as a screen (a reviewer marks him present: it was him), Biden never
    // judged live and then marked by the gate, the EE pupil's face voted an attack (dismissed).
    try f.refusal("21CS001", at: "2026-11-26T08:10:00+00:00")
    try f.refusal("21CS002", at: "2026-11-26T08:11:00+00:00", verdict: .notMarked, reason: "never live")
    try f.attend("21CS002", "2026-11-26T08:12:00+00:00", classID: nil, device: "gate", live: "live: solid head motion")
    try f.refusal("21EE001", at: "2026-11-26T08:13:00+00:00", classID: "EE")
    // A refusal outside the range counts for nothing.
    try f.refusal("21EE001", at: "2026-11-20T08:13:00+00:00", classID: "EE")
    let ids = try f.store.reader { db in try Int64.fetchAll(db, sql: "SELECT id FROM liveness_refusals ORDER BY id") }
    let monday = try #require(
      try f.store.reader { db in
        try Int64.fetchOne(db, sql: "SELECT id FROM attendance WHERE person_id = '21EE001' AND local_day = '2026-11-24'")
      })

    var settings = f.settings()
    settings.clock = SchoolClock(
      startingAt: ISO8601DateFormatter().date(from: "2026-11-26T10:00:00Z")!, timeZone: TimeZone(identifier: "UTC")!)
    let app = try buildApplication(settings)
    let admin = HTTPFields.bearer(f.adminToken) + [.contentType: "application/json"]
    let viewer = HTTPFields.bearer(f.viewerToken)
    try await app.test(.router) { client in
      for (uri, method) in [
        ("/api/liveness-refusals/\(ids[1])/present", HTTPRequest.Method.post),
        ("/api/liveness-refusals/\(ids[3])/dismiss", .post), ("/api/attendance/\(monday)", .delete),
      ] {
        try await client.execute(uri: uri, method: method, headers: admin) {
          #expect($0.status == .ok, "\(uri): \(String(buffer: $0.body))")
        }
      }
      func summary(_ uri: String, _ headers: HTTPFields) async throws -> [String: Any] {
        try await client.execute(uri: uri, method: .get, headers: headers) {
          #expect($0.status == .ok, "\(uri): \(String(buffer: $0.body))")
          return try json($0.body) as? [String: Any] ?? [:]
        }
      }
      let all = try await summary("/api/liveness-summary?from=2026-11-24&to=2026-11-26", viewer)
      #expect(all["camera_marks"] as? Int == 5, "Obama's mark by hand from his refusal is not a camera's: \(all)")
      #expect(all["live_judged"] as? Int == 4, "the camera with liveness off judged nobody: \(all)")
      let because = (all["marked_because"] as? [[String: Any]] ?? []).map { "\($0["reason"] ?? "")=\($0["count"] ?? "")" }
      #expect(because == ["live: solid head motion=3", "live: blink=1", "liveness off=1"], "\(all)")
      #expect(all["camera_marks_deleted"] as? Int == 1)
      let refusals = all["refusals"] as? [String: [String: Int]] ?? [:]
      #expect(
        refusals == [
          "spoof": ["total": 2, "marked_present": 1, "dismissed": 1, "marked_since": 0, "open": 0],
          "not_marked": ["total": 1, "marked_present": 0, "dismissed": 0, "marked_since": 1, "open": 0],
          "challenge_failed": ["total": 1, "marked_present": 0, "dismissed": 0, "marked_since": 0, "open": 1],
        ], "\(all)")
      #expect(all["live_refused"] as? Int == 1 && all["live_refused_rate"] as? Double == 0.2, "1 of the 5 live people judged")
      // By camera: the gate refused four faces, one of them live; the EE room's camera had its mark deleted.
      let cameras = (all["cameras"] as? [[String: Any]] ?? []).map {
        "\($0["device_id"] ?? ""): \($0["camera_marks"] ?? "") \($0["camera_marks_deleted"] ?? "") \($0["refusals"] ?? "") \($0["live_refused"] ?? "")"
      }
      #expect(cameras == ["bench: 1 0 0 0", "cam-1: 1 1 0 0", "gate: 3 0 4 1"], "\(all)")
      // The default range is the last 30 days to today; a class's is its own and its members' at the gate.
      let last30 = try await summary("/api/liveness-summary", viewer)
      #expect(last30["from"] as? String == "2026-10-28" && last30["to"] as? String == "2026-11-26")
      #expect((last30["refusals"] as? [String: [String: Int]])?["spoof"]?["total"] == 3, "with the 20th's")
      let session = try await signIn(client, "tess")
      let teacher: HTTPFields = [.cookie: "att_session=\(session)"]
      try await client.execute(uri: "/api/liveness-summary", method: .get, headers: teacher) {
        #expect($0.status == .forbidden && String(buffer: $0.body).contains("add class= (CS)"))
      }
      let cs = try await summary("/api/liveness-summary?from=2026-11-24&to=2026-11-26&class=CS", teacher)
      #expect(cs["camera_marks"] as? Int == 3 && cs["camera_marks_deleted"] as? Int == 0, "\(cs)")
      #expect(cs["live_refused"] as? Int == 1 && cs["live_refused_rate"] as? Double == 0.25, "\(cs)")
      #expect((cs["refusals"] as? [String: [String: Int]])?["spoof"]?["total"] == 1)
      let none = try await summary("/api/liveness-summary?from=2026-12-01&to=2026-12-02", viewer)
      #expect(none["camera_marks"] as? Int == 0 && none["live_refused_rate"] is NSNull, "\(none)")
      for (query, expected) in [
        ("from=2026-11-31", "parameter 'from': '2026-11-31' is not a date"), ("from=2026-11-26&to=2026-11-01", "is before from"),
        ("from=2020-01-01&to=2026-11-26", "the range is longer than 400 days"),
      ] {
        try await client.execute(uri: "/api/liveness-summary?\(query)", method: .get, headers: viewer) {
          #expect($0.status == .badRequest && String(buffer: $0.body).contains(expected), "\(String(buffer: $0.body))")
        }
      }
    }
  }
}
