import AttendanceKit
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// What the feed sends: `{"type":"attendance","records":[...]}` with the records committed since the
/// last message (one message for a burst, not one per record), and `{"type":"changed","what":"people"}`
/// hints when people or unknown faces change.
enum FeedMessage {
  private struct Envelope: Encodable {
    let type = "attendance"
    let records: [AttendanceRow]
  }

  static func attendance(_ rows: some Collection<AttendanceRow>) -> String {
    (try? String(decoding: JSONEncoder.att.encode(Envelope(records: Array(rows))), as: UTF8.self)) ?? "{}"
  }

  /// At most 40 records (about 8 KB) per message: under the 16 KB frame limit many WebSocket clients
  /// keep by default.
  static func chunks(_ rows: [AttendanceRow]) -> [ArraySlice<AttendanceRow>] {
    stride(from: 0, to: rows.count, by: 40).map { rows[$0..<min($0 + 40, rows.count)] }
  }

  private struct Changed: Encodable {
    let type = "changed"
    let what: String
  }

  private struct Hello: Encodable {
    let type = "hello"
    let caughtUpTo: Int64

    enum CodingKeys: String, CodingKey {
      case type
      case caughtUpTo = "caught_up_to"
    }
  }

  /// The first message after catching up: the newest record sent.
  static func hello(caughtUpTo last: Int64) -> String {
    (try? String(decoding: JSONEncoder.att.encode(Hello(caughtUpTo: last)), as: UTF8.self)) ?? "{}"
  }

  /// Whether an encoded message is an attendance message (its sorted keys end with the type; a
  /// value cannot end it, for every quote inside a value is escaped).
  static func isAttendance(_ bytes: ByteBuffer) -> Bool {
    bytes.readableBytesView.reversed().starts(with: Array(#""type":"attendance"}"#.utf8).reversed())
  }

  static func changed(_ what: String) -> String {
    (try? String(decoding: JSONEncoder.att.encode(Changed(what: what)), as: UTF8.self)) ?? "{}"
  }
}
