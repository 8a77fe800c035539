import CRabbitMQ
import AttendanceKit
import Foundation

/// Consuming: a consumer with a prefetch, deliveries one by one, acknowledgements, and basic.get.
extension AMQPConnection {
  public func consume(queue: String, prefetch: Int) throws(QueueError) {
    amqp_basic_qos(state, channel, 0, UInt16(prefetch), 0)
    try check(amqp_get_rpc_reply(state), "setting prefetch")
    try withBytes([queue]) { b throws(QueueError) in
      amqp_basic_consume(state, channel, b[0], amqp_empty_bytes, 0, 0, 0, amqp_empty_table)
      try check(amqp_get_rpc_reply(state), "consuming \(queue)")
    }
  }

  /// The next delivery, or nil when none arrives within `timeout` seconds.
  public func nextDelivery(timeout: Double) throws(QueueError) -> Delivery? {
    amqp_maybe_release_buffers(state)
    var envelope = amqp_envelope_t()
    var wait = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
    let reply = amqp_consume_message(state, &envelope, &wait, 0)
    if reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT.rawValue {
      return nil
    }
    try check(reply, "receiving")
    defer { amqp_destroy_envelope(&envelope) }
    var buffer = [CChar](repeating: 0, count: 1024)
    let reasonLength = att_amqp_header_string(&envelope.message.properties, "x-att-reason", &buffer, buffer.count)
    return Delivery(
      tag: envelope.delivery_tag, routingKey: Self.string(envelope.routing_key), body: Self.data(envelope.message.body),
      redelivered: envelope.redelivered != 0, reason: reasonLength >= 0 ? Self.string(buffer) : nil)
  }

  public func ack(_ tag: UInt64, multiple: Bool = false) throws(QueueError) {
    try check(status: amqp_basic_ack(state, channel, tag, multiple ? 1 : 0), "acknowledging")
  }

  /// Returns a message to its queue (a transient failure: it will be delivered again).
  public func requeue(_ tag: UInt64) throws(QueueError) {
    try check(status: amqp_basic_nack(state, channel, tag, 0, 1), "requeueing")
  }

  /// Takes one message from a queue without a consumer (basic.get), or nil when it is empty.
  public func get(queue: String) throws(QueueError) -> Delivery? {
    let reply = try withBytes([queue]) { b throws(QueueError) in amqp_basic_get(state, channel, b[0], 0) }
    try check(reply, "reading \(queue)")
    guard reply.reply.id == 0x003C_0047 else { return nil }  // basic.get-ok; get-empty otherwise
    var message = amqp_message_t()
    try check(amqp_read_message(state, channel, &message, 0), "reading \(queue)")
    defer { amqp_destroy_message(&message) }
    let ok = reply.reply.decoded.assumingMemoryBound(to: amqp_basic_get_ok_t.self).pointee
    var buffer = [CChar](repeating: 0, count: 1024)
    let reasonLength = att_amqp_header_string(&message.properties, "x-att-reason", &buffer, buffer.count)
    return Delivery(
      tag: ok.delivery_tag, routingKey: Self.string(ok.routing_key), body: Self.data(message.body),
      redelivered: ok.redelivered != 0, reason: reasonLength >= 0 ? Self.string(buffer) : nil)
  }
}
