import AttTestSupport
import Foundation
import Testing

@testable import AttendanceKit

@Suite("Messages", .testThreads)
struct MessageTests {
  @Test("each message type round-trips through JSON with its type and version")
  func roundTrip() throws {
    let messages: [Message] = [
      .attendance(
        AttendanceMessage(
          personID: "21CS001", deviceID: "gate-1", classID: "CS", capturedAt: "2026-11-25T09:01:02+05:30",
          distance: 0.41, liveness: .init(verdict: "live", reason: "live: solid head motion", figures: ["blinks": 1]),
          jpeg: Data([0xFF, 0xD8, 0xFF, 0x01]))),
      .register(
        RegisterMessage(
          personID: "21CS001", name: "Zoë Ñúñez 王", faces: [FaceCrop(jpeg: Data([0xFF, 0xD8, 0xFF, 0x00]))],
          source: "camera:0", capturedAt: "2026-11-25T08:00:00Z")),
      .removePerson(RemovePersonMessage(personID: "21CS001", keepAttendance: true)),
      .livenessRefusal(
        LivenessRefusalMessage(
          personID: "21CS001", deviceID: "gate-1", capturedAt: "2026-11-25T09:01:02+05:30", distance: 0.38, verdict: .spoof,
          reason: "on a phone, laptop or monitor (2 of 3 looks)", figures: ["device_looks": 3],
          jpeg: Data([0xFF, 0xD8, 0xFF, 0x00]))),
      .correction(
        CorrectionMessage(.markPresent(personID: "21CS001", classID: "CS", at: "2026-11-25T09:20:00+01:00"), actor: "ana")),
      .correction(
        CorrectionMessage(.excuse(personID: "21CS001", classID: nil, day: Day("2026-11-25")!), actor: "ana", note: "dentist")),
      .correction(CorrectionMessage(.unexcuse(personID: "21CS001", classID: "CS", day: Day("2026-11-26")!), actor: "ana")),
      .correction(CorrectionMessage(.deleteRecord(attendanceID: 42), actor: "ana (token)", note: "wrong pupil")),
    ]
    for message in messages {
      let json = try message.encoded()
      let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
      #expect(object?["type"] as? String == message.type)
      #expect(object?["version"] as? Int == 1)
      #expect(try Message.decode(json) == message)
    }
  }

  @Test("a correction carries what its action needs: a missing day or time, or a bad one, is named at decoding")
  func typedCorrections() throws {
    let head = #"{"type":"correction","version":1,"id":"5C0A1C35-4F3E-4C41-9C55-0E8C1A36A0B1","actor":"ana","person_id":"P1","#
    let cases: [(String, String)] = [
      (#""action":"excuse"}"#, "correction message has no 'day' field"),
      (#""action":"mark-present"}"#, "correction message has no 'captured_at' field"),
      (#""action":"excuse","day":"2026-02-30"}"#, "correction message field 'day' '2026-02-30' is not a date"),
      (
        #""action":"mark-present","captured_at":"09:20"}"#,
        "correction message field 'captured_at' '09:20' is not an ISO 8601 time"
      ),
      (#""action":"delete-record"}"#, "correction message has no 'attendance_id' field"),
      (#""action":"forgive"}"#, "correction message field 'action'"),
    ]
    for (tail, expected) in cases {
      let error = #expect(throws: MessageError.self) { try Message.decode(Data((head + tail).utf8)) }
      #expect(error?.description.hasPrefix(expected) == true, "\(tail): \(String(describing: error))")
    }
  }

  @Test("a value JSON cannot carry makes encoding fail instead of sending an empty message")
  func unencodable() {
    let message = Message.attendance(
      AttendanceMessage(personID: "p", deviceID: "d", capturedAt: "2026-11-25T09:00:00Z", distance: .nan))
    #expect(throws: EncodingError.self) { try message.encoded() }
  }

  @Test(
    "malformed messages get a specific error naming the field",
    arguments: [
      ("not json", "message is not valid JSON"),
      (#"{"version":1}"#, "message has no 'type' field"),
      (#"{"type":"attendance"}"#, "attendance message has no 'version' field"),
      (#"{"type":"attendance","version":2}"#, "attendance message version 2 is not supported"),
      (#"{"type":"enrol","version":1}"#, "unknown message type 'enrol'"),
      (
        #"{"type":"attendance","version":1,"id":"5C0A1C35-4F3E-4C41-9C55-0E8C1A36A0B1","device_id":"d","captured_at":"x","direction":"in"}"#,
        "attendance message has no 'person_id' field"
      ),
      (
        #"{"type":"attendance","version":1,"id":"nope","person_id":"p","device_id":"d","captured_at":"x","direction":"in"}"#,
        "attendance message field 'id' is invalid"
      ),
      (
        #"{"type":"remove-person","version":1,"id":"5C0A1C35-4F3E-4C41-9C55-0E8C1A36A0B1","person_id":7,"keep_attendance":false}"#,
        "remove-person message field 'person_id' must be a string"
      ),
      ("", "message body is empty"),
      ("[1,2]", "message must be a JSON object, not an array"),
      ("null", "message must be a JSON object, not null"),
      (#""attendance""#, "message must be a JSON object, not a string"),
      (#"{"type":5,"version":1}"#, "message field 'type' must be a string, not a number"),
      (#"{"type":"attendance","version":"1"}"#, "attendance message field 'version' must be a whole number, not a string"),
      (
        #"{"type":"attendance","version":1,"id":"5C0A1C35-4F3E-4C41-9C55-0E8C1A36A0B1","person_id":"p","device_id":"d","captured_at":"0000-01-01T00:00:00+00:00","direction":"in"}"#,
        "attendance message field 'captured_at' '0000-01-01T00:00:00+00:00' is not an ISO 8601 time"
      ),
      (
        #"{"type":"attendance","version":1,"id":"5C0A1C35-4F3E-4C41-9C55-0E8C1A36A0B1","person_id":"p","device_id":"d","captured_at":"9999-12-31T23:59:60+23:59","direction":"in"}"#,
        "attendance message field 'captured_at' '9999-12-31T23:59:60+23:59' is not an ISO 8601 time"
      ),
      (
        #"{"type":"attendance","version":1,"id":"5C0A1C35-4F3E-4C41-9C55-0E8C1A36A0B1","person_id":"p","device_id":"d\nforged","captured_at":"2026-11-25T08:00:00+00:00","direction":"in"}"#,
        "attendance message field 'device_id' contains control characters"
      ),
      (
        #"{"type":"attendance","version":1,"id":"5C0A1C35-4F3E-4C41-9C55-0E8C1A36A0B1","person_id":"p","device_id":"d","captured_at":"2026-11-25T08:00:00+00:00","direction":"in","distance":-3}"#,
        "attendance message field 'distance' -3.0 is outside 0.0...2.0"
      ),
      (
        #"{"type":"attendance","version":1,"id":"5C0A1C35-4F3E-4C41-9C55-0E8C1A36A0B1","person_id":"p","device_id":"d","captured_at":"2026-11-25T08:00:00+00:00","direction":"sideways"}"#,
        "attendance message field 'direction' 'sideways' is not a direction (in or out)"
      ),
      (
        #"{"type":"liveness-refusal","version":1,"id":"5C0A1C35-4F3E-4C41-9C55-0E8C1A36A0B1","person_id":"p","device_id":"d","captured_at":"2026-11-25T08:00:00+00:00","direction":"in","verdict":"maybe","reason":"r"}"#,
        "liveness-refusal message field 'verdict' 'maybe' is not a refusal (spoof, challenge_failed, not_marked)"
      ),
      (
        #"{"type":"liveness-refusal","version":1,"id":"5C0A1C35-4F3E-4C41-9C55-0E8C1A36A0B1","person_id":"p","device_id":"d","captured_at":"2026-11-25T08:00:00+00:00","direction":"in","verdict":"spoof"}"#,
        "liveness-refusal message has no 'reason' field"
      ),
    ])
  func malformed(text: String, expected: String) {
    let error = #expect(throws: MessageError.self) { try Message.decode(Data(text.utf8)) }
    #expect(error?.description.hasPrefix(expected) == true, "\(String(describing: error))")
  }

  @Test("figures are stored as JSON that reads back to the same numbers, keys sorted and escaped")
  func figuresJSON() throws {
    let figures: [String: Double] = ["motion_residual": 0.071, "blink": 0, "eye \"distance\"\n": 58.25, "big": 1e20, "neg": -3.5]
    let text = FiguresJSON.text(figures)
    #expect(text.hasPrefix(#"{"big":"#))
    let back = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Double])
    #expect(back == figures, "\(text)")
  }

  @Test(
    "absurd lengths are refused with the field and the limit: a 1 MB device id, a 2 MB class, a 5 MB snapshot path, a 2 MB crop")
  func absurdLengths() throws {
    func attendance(
      device: String = "gate", classID: String? = nil, snapshot: String? = nil, jpeg: Data? = nil, reason: String? = nil
    ) throws -> Data {
      try Message.attendance(
        AttendanceMessage(
          personID: "P1", deviceID: device, classID: classID, capturedAt: "2026-11-25T08:00:00+01:00",
          liveness: reason.map { .init(verdict: "live", reason: $0) }, snapshotPath: snapshot, jpeg: jpeg)
      ).encoded()
    }
    let cases: [(Data, String)] = [
      (try attendance(device: String(repeating: "d", count: 1 << 20)), "field 'device_id' is longer than 256 characters"),
      (
        try attendance(classID: String(repeating: "c", count: 2 << 20)),
        "field 'class' class id 'cccccccccccccccccccc…' is longer"
      ),
      (try attendance(snapshot: String(repeating: "s", count: 5 << 20)), "field 'snapshot' is longer than 1024 characters"),
      // An arrival's crop: a JPEG of at most 1 MB.
      (try attendance(jpeg: Data([0xFF, 0xD8, 0xFF]) + Data(count: 2 << 20)), "field 'jpeg' is 2097155 bytes (at most 1048576)"),
      (try attendance(jpeg: Data("<svg/>".utf8)), "field 'jpeg' is not JPEG data"),
      (try attendance(reason: String(repeating: "r", count: 1 << 20)), "field 'liveness.reason' is longer than 200 characters"),
    ]
    for (body, expected) in cases {
      let error = #expect(throws: MessageError.self) { try Message.decode(body) }
      #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
    }
    // The handler refuses a message made in-process (direct mode) by a camera whose clock is in
    // another century (a dead RTC battery gives 1970), before writing anything.
    let scratch = try Scratch()
    let result = try scratch.handler.apply(
      .attendance(
        AttendanceMessage(
          personID: "P1", deviceID: "gate", capturedAt: CapturedTime(Date(timeIntervalSince1970: 3600), timeZone: .gmt))))
    guard case .rejected(let reason) = result.outcome else {
      Issue.record("not rejected: \(result)")
      return
    }
    #expect(reason.contains("field 'captured_at' '1970-01-01T01:00:00+00:00' is outside the years 2000-2099"), "\(reason)")
  }

  @Test("text-direction controls (U+202E and the rest) are refused in names, device ids and message text; ZWJ is not")
  func bidiControls() {
    let disguised = "Ann\u{202E}gpj.exe"
    #expect(PersonIdentity.validate(name: disguised)?.contains("text-direction control") == true)
    #expect(PersonIdentity.validate(name: "Ann \u{2066}x\u{2069}")?.contains("text-direction control") == true)
    #expect(DeviceID.problem("gate\u{200F}1")?.contains("text-direction") == true)
    #expect(MessageLimits.checkText("cam\u{202D}1", field: "device_id", maxLength: 256)?.contains("text-direction") == true)
    #expect(PersonIdentity.validate(name: "\u{0D28}\u{0D4D}\u{200D}") == nil, "a joiner is part of some scripts' spelling")
  }
}
