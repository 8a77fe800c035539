import CRabbitMQ
import AttendanceKit
import Foundation

/// The funnel every librabbitmq call goes through (its status or RPC reply turned into a `QueueError`),
/// and the conversions between Swift values and librabbitmq's bytes and tables.
extension AMQPConnection {
  /// Turns a librabbitmq status code into a `QueueError`.
  func check(status: Int32, _ doing: String, unreachable: Bool = false) throws(QueueError) {
    guard status < 0 else { return }
    // librabbitmq says only "a socket error occurred"; the system's own error says which one.
    let cause = errno
    var text = "\(doing): " + String(cString: amqp_error_string2(status))
    if status == AMQP_STATUS_SOCKET_ERROR.rawValue && cause != 0 {
      text = "\(doing): " + String(cString: strerror(cause)).lowercased()
    }
    if status == AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED.rawValue {
      // librabbitmq 0.11 matches DNS names only, never an IP address in the certificate.
      text +=
        " (the certificate must name '\(broker.host)' as a DNS name; use the host name, e.g. amqps://user:pass@localhost:\(broker.port)/, not an IP address)"
    } else if status == AMQP_STATUS_SSL_PEER_VERIFY_FAILED.rawValue, let ca = broker.caFile {
      text += " (the broker's certificate is not signed by the CA in \(ca))"
    }
    if unreachable { throw .unreachable(broker.description, reason: text) }
    throw .connectionLost(broker.description, reason: text)
  }

  /// Turns an RPC reply into a `QueueError`, with the broker's reply code and text for a server exception.
  func check(_ reply: amqp_rpc_reply_t, _ doing: String) throws(QueueError) {
    switch reply.reply_type {
    case AMQP_RESPONSE_NORMAL: return
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      var code: Int32 = 0
      var text = [CChar](repeating: 0, count: 512)
      _ = att_amqp_server_error(reply, &code, &text, text.count)
      throw .refused(broker.description, code: Int(code), reason: "\(doing): \(Self.string(text))")
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      if reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue {
        // A method arrived where a delivery was expected: usually the broker closing the connection
        // (shutdown, a forced close) or the channel. Its own words say why.
        var code: Int32 = 0
        var text = [CChar](repeating: 0, count: 512)
        if att_amqp_close_reason(state, &code, &text, text.count) >= 0 {
          throw .connectionLost(
            broker.description, reason: "\(doing): the broker closed the connection: \(Self.string(text)) (\(code))")
        }
      }
      if reply.library_error == AMQP_STATUS_SOCKET_ERROR.rawValue, errno != 0 {
        throw .connectionLost(broker.description, reason: "\(doing): " + String(cString: strerror(errno)).lowercased())
      }
      throw .connectionLost(broker.description, reason: "\(doing): " + String(cString: amqp_error_string2(reply.library_error)))
    default:
      throw .connectionLost(broker.description, reason: "\(doing): no reply")
    }
  }

  /// Bytes librabbitmq owns, copied. A zero-length body or key comes with a null pointer, which
  /// `Data(bytes:count:)` must never be given.
  static func data(_ bytes: amqp_bytes_t) -> Data {
    guard bytes.len > 0, let start = bytes.bytes else { return Data() }
    return Data(bytes: start, count: bytes.len)
  }

  static func string(_ bytes: amqp_bytes_t) -> String {
    String(decoding: data(bytes), as: UTF8.self)
  }

  /// A NUL-terminated C buffer as a Swift string.
  static func string(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Lends strings to librabbitmq as amqp_bytes_t that stay valid for the whole call (a Swift
  /// string's C view only lives for the one call it is passed to).
  func withBytes<R>(_ strings: [String], _ body: ([amqp_bytes_t]) throws(QueueError) -> R) throws(QueueError) -> R {
    let copies = strings.map { strdup($0)! }
    defer { copies.forEach { free($0) } }
    return try body(copies.map { amqp_bytes_t(len: strlen($0), bytes: UnsafeMutableRawPointer($0)) })
  }

  /// Lends a field table of string entries to librabbitmq for the duration of `body`.
  func withTable<R>(_ entries: [String: String], _ body: (amqp_table_t) throws(QueueError) -> R) throws(QueueError) -> R {
    guard let storage = att_amqp_table_new() else { throw .connectionLost(broker.description, reason: "out of memory") }
    defer { att_amqp_table_free(storage) }
    let keys = entries.keys.sorted()
    let cStrings = keys.flatMap { [strdup($0), strdup(entries[$0]!)] }
    defer { cStrings.forEach { free($0) } }
    for i in stride(from: 0, to: cStrings.count, by: 2) { _ = att_amqp_table_add_string(storage, cStrings[i], cStrings[i + 1]) }
    return try body(storage.pointee.table)
  }
}
