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
    "an arrival's crop (att-take --snapshots): kept with the record for admins to check, the earliest sighting's, gone with the record, after the retention period and with the person"
  )
  func arrivalSnapshots() async throws {
    let f = try Fixture()
    var accounts = Accounts(store: f.store)
    accounts.iterations = 1_000
    try accounts.addUser("tess", password: Fixture.password, role: .teacher, classes: ["CS"])
    // The gate marked Obama at 08:12 with his crop; a sighting from 08:05 arrives late (a camera
    // that was offline) and is the one kept, with its crop; a later one at 08:30 is only counted.
    try f.attend(
      "21CS001", "2026-11-25T08:12:00+01:00", classID: nil, device: "gate", photo: "barack_obama/obama-480p.jpg",
      live: "live: solid head motion")
    try f.attend(
      "21CS001", "2026-11-25T08:05:00+01:00", classID: nil, device: "gate", photo: "barack_obama/obama-240p.jpg",
      live: "live: blink")
    try f.attend(
      "21CS001", "2026-11-25T08:30:00+01:00", classID: nil, device: "gate", photo: "barack_obama/obama-720p.jpg",
      live: "the challenge passed (2 steps); live: blink")
    // Joe was marked without snapshots.
    try f.attend("21CS002", "2026-11-25T08:20:00+01:00", classID: nil, device: "gate")
    let kept = try #require(
      try f.store.reader { db in try Row.fetchOne(db, sql: "SELECT id, media_path FROM attendance WHERE person_id = '21CS001'") })
    let id: Int64 = kept["id"]
    let crop: String = try #require(kept["media_path"])
    let review = "\(f.folder)/media/\(MediaLibrary.unknownFolder)"
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: review).count == 2,
      "the kept sightings' crops (08:12's, then 08:05's that replaced it); the counted 08:30 writes none")

    var settings = f.settings()
    settings.clock = SchoolClock(
      startingAt: ISO8601DateFormatter().date(from: "2026-11-25T10:00:00Z")!, timeZone: TimeZone(identifier: "UTC")!)
    let app = try buildApplication(settings)
    let admin = HTTPFields.bearer(f.adminToken)
    let viewer = HTTPFields.bearer(f.viewerToken)
    try await app.test(.router) { client in
      let rows = try await client.execute(uri: "/api/attendance?from=2026-11-25&to=2026-11-25", method: .get, headers: viewer) {
        (try json($0.body) as? [String: Any])?["items"] as? [[String: Any]] ?? []
      }
      let flags = Dictionary(uniqueKeysWithValues: rows.map { ($0["person_id"] as? String ?? "", $0["has_snapshot"] as? Bool) })
      #expect(flags == ["21CS001": true, "21CS002": false], "\(rows)")
      #expect(rows.first { $0["person_id"] as? String == "21CS001" }?["captured_at"] as? String == "2026-11-25T08:05:00+01:00")
      // Why the camera judged the kept sighting live goes with it; a record without one says nothing.
      let reasons = Dictionary(
        uniqueKeysWithValues: rows.map { ($0["person_id"] as? String ?? "", $0["liveness_reason"] as? String) })
      #expect(reasons == ["21CS001": "live: blink", "21CS002": nil], "\(rows)")
      try await client.execute(uri: "/api/attendance/\(id)/snapshot", method: .get, headers: admin) {
        #expect($0.status == .ok && $0.headers[.contentType] == "image/jpeg")
        let earliest = try Data(contentsOf: URL(fileURLWithPath: "\(Checkout.shared)/faces/people/barack_obama/obama-240p.jpg"))
        #expect(Data(buffer: $0.body) == earliest, "the crop of the sighting the record keeps")
      }
      try await client.execute(uri: "/api/attendance/\(id)/snapshot", method: .get, headers: viewer) {
        #expect($0.status == .forbidden, "faces are for admins")
      }
      let session = try await signIn(client, "tess")
      try await client.execute(
        uri: "/api/attendance/\(id)/snapshot", method: .get, headers: [.cookie: "att_session=\(session)"]
      ) {
        #expect($0.status == .forbidden, "a teacher sees no face, as with unknown faces and refusals")
      }
      let joe = try #require(rows.first { $0["person_id"] as? String == "21CS002" }?["id"] as? Int)
      try await client.execute(uri: "/api/attendance/\(joe)/snapshot", method: .get, headers: admin) {
        #expect($0.status == .notFound && String(buffer: $0.body).contains("no snapshot is kept for attendance record \(joe)"))
      }

      // Not him (a phone held up?): the admin deletes the record; the crop goes with it.
      try await client.execute(
        uri: "/api/attendance/\(id)?note=a+phone+held+up", method: .delete, headers: admin + [.contentType: "application/json"]
      ) {
        #expect($0.status == .ok, "\(String(buffer: $0.body))")
      }
      try await client.execute(uri: "/api/attendance/\(id)/snapshot", method: .get, headers: admin) {
        #expect($0.status == .notFound)
      }
      #expect(!FileManager.default.fileExists(atPath: "\(f.folder)/media/\(crop)"), "at once, not at the next sweep")
      try await client.execute(uri: "/api/attendance/\(id)", method: .delete, headers: admin) {
        #expect($0.status == .notFound && String(buffer: $0.body).contains("no attendance record \(id)"))
      }
      // A mark by hand names a class that exists: a typo makes none.
      try await client.execute(
        uri: "/api/attendance", method: .post, headers: admin + [.contentType: "application/json"],
        body: ByteBuffer(string: #"{"person_id":"21CS001","day":"2026-11-25","time":"08:40","class_id":"CSS"}"#)
      ) {
        #expect($0.status == .badRequest && String(buffer: $0.body).contains("there is no class 'CSS' (classes: CS, EE)"))
      }
    }
    // A file no row names (08:12's crop, replaced) goes at the sweep once an hour old (a younger
    // one may be a message whose transaction is about to commit).
    #expect(try f.store.expireSnapshots(before: Date().addingTimeInterval(-30 * 86400), media: f.handler.media) == 0)
    for file in try FileManager.default.contentsOfDirectory(atPath: review) {
      try FileManager.default.setAttributes(
        [.modificationDate: Date().addingTimeInterval(-7200)], ofItemAtPath: "\(review)/\(file)")
    }
    #expect(try f.store.expireSnapshots(before: Date().addingTimeInterval(-30 * 86400), media: f.handler.media) == 1)

    // The retention period: an arrival 40 days ago keeps its record, not its crop.
    try f.attend(
      "21CS002", CapturedTime.string(from: Date().addingTimeInterval(-40 * 86400)), device: "room",
      photo: "joe_biden/biden.jpg")
    try f.attend("21EE001", CapturedTime.string(from: Date()), classID: "EE", device: "room", photo: "joe_biden/biden2.jpg")
    #expect(try f.store.expireSnapshots(before: Date().addingTimeInterval(-30 * 86400), media: f.handler.media) == 1)
    #expect(try f.count("SELECT count(*) FROM attendance WHERE media_path IS NOT NULL") == 1, "the recent one stays")
    #expect(try f.count("SELECT count(*) FROM attendance WHERE person_id = '21CS002'") == 2, "records are never swept")

    // Erasing a person whose records are kept erases the cameras' crops of them at once, with
    // their face images (a refusal's too, and an unknown face nearest to them).
    try f.refusal("21EE001", at: CapturedTime.string(from: Date()), photo: "barack_obama/obama-1080p.jpg")
    // A face that matched nobody, nearest to them: it may be them (their photo held up).
    try f.unknownFace(nearest: "21EE001", photo: "grace_hopper.jpg")
    let faces = try f.store.reader { db in
      try String.fetchAll(
        db,
        sql: """
          SELECT media_path FROM attendance WHERE person_id = '21EE001'
          UNION SELECT media_path FROM liveness_refusals WHERE person_id = '21EE001'
          UNION SELECT media_path FROM unknown_faces WHERE nearest_person_id = '21EE001'
          """)
    }
    #expect(faces.count == 3 && faces.allSatisfy { FileManager.default.fileExists(atPath: "\(f.folder)/media/\($0)") })
    let removed = try f.handler.apply(.removePerson(RemovePersonMessage(personID: "21EE001", keepAttendance: true)))
    guard case .applied = removed.outcome else { Issue.record("\(removed.outcome)"); return }
    #expect(faces.allSatisfy { !FileManager.default.fileExists(atPath: "\(f.folder)/media/\($0)") })
    #expect(try f.count("SELECT count(*) FROM attendance WHERE person_id = '21EE001' AND media_path IS NULL") == 1)
  }
}
