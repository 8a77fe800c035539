import AttTestSupport
import Foundation
import Testing

@testable import AttendanceKit

@Suite("The message handler", .testThreads)
struct MessageHandlerTests {
  func attendance(
    _ person: String = "21CS001", id: UUID = UUID(), at time: CapturedTime, classID: String? = "CS",
    device: String = "gate-1"
  ) -> Message {
    .attendance(
      AttendanceMessage(
        id: id, personID: person, deviceID: device, classID: classID, capturedAt: time, distance: 0.4,
        liveness: .init(verdict: "live", figures: ["blinks": 1])))
  }

  @Test("register stores the face images under media/<id>/ and one sample each; a repeat adds nothing")
  func register() throws {
    let s = try Scratch()
    let first = try s.register("21CS001", "Barack Obama")
    #expect(first.outcome == .applied("registered 21CS001 (Barack Obama) with 2 new face sample(s)"))
    #expect(first.events == [.personRegistered(personID: "21CS001", newSamples: 2), .galleryChanged])
    #expect(try s.count("SELECT count(*) FROM face_samples WHERE person_id = '21CS001'") == 2)
    let files = try FileManager.default.contentsOfDirectory(atPath: "\(s.folder)/media/21CS001")
    #expect(files.count == 2 && files.allSatisfy { $0.hasSuffix(".jpg") })
    let again = try s.register("21CS001", "Barack Obama")
    guard case .duplicate = again.outcome else { Issue.record("expected duplicate, got \(again.outcome)"); return }
    #expect(try s.count("SELECT count(*) FROM face_samples") == 2)
  }

  @Test("ids that could escape media/, blank names and non-JPEG crops are rejected; Unicode names are kept")
  func identities() throws {
    let s = try Scratch()
    for id in ["../etc", "a/b", ".hidden", "", "x y"] {
      guard case .rejected = try s.register(id, "Someone").outcome else { Issue.record("accepted id '\(id)'"); continue }
    }
    guard case .rejected = try s.register("21CS002", "  ").outcome else { Issue.record("accepted a blank name"); return }
    let png = RegisterMessage(
      personID: "21CS003", name: "P", faces: [FaceCrop(jpeg: Data("\u{89}PNG".utf8))], source: "t",
      capturedAt: "2026-11-25T08:00:00Z")
    #expect(try s.handler.apply(.register(png)).outcome == .rejected("register \(png.id): faces[0] is not JPEG data"))
    #expect(!FileManager.default.fileExists(atPath: "\(s.folder)/etc"))
    _ = try s.register("21CS004", "Zoë Ñúñez 王小明", person: "joe_biden", faces: 1)
    #expect(
      try s.store.writer.read { try String.fetchOne($0, sql: "SELECT name FROM people WHERE id = '21CS004'") } == "Zoë Ñúñez 王小明")
    #expect(try s.count("SELECT count(*) FROM people") == 1)
  }

  @Test("the first sighting of the day is recorded; a replay changes nothing; a second sighting is a counted duplicate")
  func attendanceRule() throws {
    let s = try Scratch()
    _ = try s.register("21CS001", "Barack Obama")
    let id = UUID()
    let first = try s.handler.apply(attendance(id: id, at: "2026-11-25T09:00:00+01:00"))
    #expect(first.events == [.attendanceRecorded(personID: "21CS001", classID: "CS", localDay: "2026-11-25", observationID: id)])
    let replay = try s.handler.apply(attendance(id: id, at: "2026-11-25T09:00:00+01:00"))
    #expect(replay.events.isEmpty)
    #expect(try s.count("SELECT duplicates FROM attendance") == 0)
    let second = try s.handler.apply(attendance(at: "2026-11-25T10:30:00+01:00"))
    guard case .duplicate = second.outcome else { Issue.record("expected duplicate, got \(second.outcome)"); return }
    #expect(try s.count("SELECT count(*) FROM attendance") == 1)
    #expect(try s.count("SELECT duplicates FROM attendance") == 1)
    #expect(try s.count("SELECT count(*) FROM observations") == 2)
    // Another class the same day, and the same class the next day, are new records.
    _ = try s.handler.apply(attendance(at: "2026-11-25T11:00:00+01:00", classID: "MATHS"))
    _ = try s.handler.apply(attendance(at: "2026-11-26T09:00:00+01:00"))
    #expect(try s.count("SELECT count(*) FROM attendance") == 3)
  }

  @Test("a sighting that arrives late but happened earlier becomes the kept time of the day")
  func earliestKept() throws {
    let s = try Scratch()
    _ = try s.register("21CS001", "Barack Obama")
    _ = try s.handler.apply(attendance(at: "2026-11-25T09:30:00+01:00", device: "gate-2"))
    _ = try s.handler.apply(attendance(at: "2026-11-25T08:55:00+01:00", device: "gate-1"))
    let kept = try s.store.writer.read { try String.fetchOne($0, sql: "SELECT captured_at || ' ' || device_id FROM attendance") }
    #expect(kept == "2026-11-25T08:55:00+01:00 gate-1")
  }

  @Test("the local day is the camera's: 23:30 at +05:30 is that day, though UTC is on the next")
  func localDay() throws {
    let s = try Scratch()
    _ = try s.register("21CS001", "Barack Obama")
    _ = try s.handler.apply(attendance(at: "2026-11-25T23:30:00+05:30"))
    _ = try s.handler.apply(attendance(at: "2026-11-25T20:00:00-08:00"))  // 2026-11-26 in UTC
    let days = try s.store.writer.read { try String.fetchAll($0, sql: "SELECT local_day FROM attendance ORDER BY id") }
    #expect(days == ["2026-11-25"])
    #expect(try s.count("SELECT duplicates FROM attendance") == 1)
  }

  @Test("unknown people, times without an offset and undecodable bytes are rejected with the reason")
  func rejections() throws {
    let s = try Scratch()
    let unknown = try s.handler.apply(attendance("NOBODY", at: "2026-11-25T09:00:00Z"))
    guard case .rejected(let reason) = unknown.outcome else { Issue.record("\(unknown.outcome)"); return }
    #expect(reason.contains("unknown person 'NOBODY'"))
    _ = try s.register("21CS001", "Barack Obama")
    // A time is typed in a message: one without an offset is refused where the bytes are decoded.
    let noOffset = String(decoding: try attendance(at: "2026-11-25T09:00:00Z").encoded(), as: UTF8.self)
      .replacingOccurrences(of: "2026-11-25T09:00:00Z", with: "2026-11-25 09:00")
    guard case .rejected(let why) = try s.handler.apply(data: Data(noOffset.utf8)).outcome else {
      Issue.record("accepted a time without an offset"); return
    }
    #expect(why.contains("UTC offset"))
    guard case .rejected(let notJSON) = try s.handler.apply(data: Data("{".utf8)).outcome else {
      Issue.record("accepted bytes that are not JSON"); return
    }
    #expect(notJSON.hasPrefix("message is not valid JSON"))
    #expect(try s.count("SELECT count(*) FROM attendance") == 0)
  }

  @Test("remove with --keep-attendance erases every image, sample and embedding but keeps the records")
  func removeKeepingAttendance() throws {
    let s = try Scratch()
    _ = try s.register("21CS001", "Barack Obama")
    try s.store.writer.write { db in
      try db.execute(
        sql:
          "INSERT INTO embeddings (sample_id, model, sample_sha256, vector, created_at) SELECT id, 'm', sha256, x'00', 0 FROM face_samples"
      )
    }
    _ = try s.handler.apply(attendance(at: "2026-11-25T09:00:00+01:00"))
    let result = try s.handler.apply(.removePerson(RemovePersonMessage(personID: "21CS001", keepAttendance: true)))
    #expect(result.events == [.personRemoved(personID: "21CS001", keptAttendance: true), .galleryChanged])
    #expect(try s.count("SELECT count(*) FROM face_samples") == 0)
    #expect(try s.count("SELECT count(*) FROM embeddings") == 0)
    #expect(!FileManager.default.fileExists(atPath: "\(s.folder)/media/21CS001"))
    #expect(try s.count("SELECT count(*) FROM attendance") == 1)
    #expect(try s.count("SELECT active FROM people") == 0)
    guard case .rejected = try s.handler.apply(attendance(at: "2026-11-26T09:00:00+01:00")).outcome else {
      Issue.record("attendance accepted for a removed person"); return
    }
  }

  @Test("remove without keeping erases the person and their attendance; removing again is rejected")
  func removeEverything() throws {
    let s = try Scratch()
    _ = try s.register("21CS001", "Barack Obama")
    _ = try s.handler.apply(attendance(at: "2026-11-25T09:00:00+01:00"))
    _ = try s.handler.apply(.removePerson(RemovePersonMessage(personID: "21CS001")))
    for table in ["people", "face_samples", "attendance", "observations"] {
      #expect(try s.count("SELECT count(*) FROM \(table)") == 0, "\(table)")
    }
    guard case .rejected = try s.handler.apply(.removePerson(RemovePersonMessage(personID: "21CS001"))).outcome else {
      Issue.record("removing twice was accepted"); return
    }
  }
}
