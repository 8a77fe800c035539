import Foundation
import Testing

@testable import AttendanceKit

@Suite("Messages")
struct MessageTests {
  @Test("each message type round-trips through JSON with its type and version")
  func roundTrip() throws {
    let messages: [Message] = [
      .attendance(
        AttendanceMessage(
          personID: "21CS001", deviceID: "gate-1", classID: "CS", capturedAt: "2026-11-25T09:01:02+05:30",
          distance: 0.41, liveness: .init(verdict: "live", figures: ["blinks": 1]))),
      .register(
        RegisterMessage(
          personID: "21CS001", name: "Zoë Ñúñez 王", faces: [FaceCrop(jpeg: Data([0xFF, 0xD8, 0xFF, 0x00]))],
          source: "camera:0", capturedAt: "2026-11-25T08:00:00Z")),
      .removePerson(RemovePersonMessage(personID: "21CS001", keepAttendance: true)),
    ]
    for message in messages {
      let json = try message.encoded()
      let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
      #expect(object?["type"] as? String == message.type)
      #expect(object?["version"] as? Int == 1)
      #expect(try Message.decode(json) == message)
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
        "remove-person message field 'person_id' is invalid"
      ),
    ])
  func malformed(text: String, expected: String) {
    let error = #expect(throws: MessageError.self) { try Message.decode(Data(text.utf8)) }
    #expect(error?.description.hasPrefix(expected) == true, "\(String(describing: error))")
  }
}
