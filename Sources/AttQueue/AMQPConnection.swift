import CRabbitMQ
import AttendanceKit
import Foundation

/// A connection to RabbitMQ with one channel, over librabbitmq. Not thread-safe: one thread uses it
/// (a worker keeps one connection for consuming and one for publishing).
///
/// Every librabbitmq call goes through `check`, which turns its status or RPC reply into a
/// `QueueError` carrying the broker's own reply text.
public final class AMQPConnection {
  public let broker: BrokerURL
  let state: amqp_connection_state_t
  let channel: amqp_channel_t = 1
  private var nextPublishTag: UInt64 = 1
  private var confirmedUpTo: UInt64 = 0
  private var pendingConfirms = Set<UInt64>()
  private var open = false

  /// Connects, logs in and opens a channel with publisher confirms.
  public init(broker: BrokerURL, heartbeat: Int = 30, timeout: Double = 5) throws(QueueError) {
    self.broker = broker
    state = amqp_new_connection()
    // Without these, a broker that accepts the socket but never answers (starting up, overloaded)
    // would block the handshake or any RPC forever.
    var rpcLimit = timeval(tv_sec: Int(timeout * 2), tv_usec: 0)
    amqp_set_handshake_timeout(state, &rpcLimit)
    amqp_set_rpc_timeout(state, &rpcLimit)
    let socket: OpaquePointer?
    if broker.tls {
      socket = amqp_ssl_socket_new(state)
      if let socket, let ca = broker.caFile {
        try check(status: amqp_ssl_socket_set_cacert(socket, ca), "loading the CA file \(ca)", unreachable: true)
        amqp_ssl_socket_set_verify_peer(socket, 1)
        amqp_ssl_socket_set_verify_hostname(socket, 1)
      }
    } else {
      socket = amqp_tcp_socket_new(state)
    }
    guard let socket else {
      amqp_destroy_connection(state)
      throw .unreachable(broker.description, reason: "cannot create a socket")
    }
    var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
    let opened = amqp_socket_open_noblock(socket, broker.host, Int32(broker.port), &limit)
    if opened == AMQP_STATUS_SOCKET_ERROR.rawValue {
      // librabbitmq keeps the cause of a failed non-blocking connect to itself; one plain connect
      // finds it (connection refused, no route to host).
      amqp_destroy_connection(state)
      throw .unreachable(broker.description, reason: "connecting: " + Self.connectFailure(broker.host, broker.port))
    }
    do {
      try check(status: opened, "connecting", unreachable: true)
      try check(att_amqp_login_plain(state, broker.virtualHost, Int32(heartbeat), broker.user, broker.password), "logging in")
      amqp_channel_open(state, channel)
      try check(amqp_get_rpc_reply(state), "opening a channel")
      amqp_confirm_select(state, channel)
      try check(amqp_get_rpc_reply(state), "enabling publisher confirms")
    } catch {
      amqp_destroy_connection(state)
      throw error
    }
    open = true
  }

  /// Why a TCP connection to host:port fails, in the system's words.
  static func connectFailure(_ host: String, _ port: Int) -> String {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var found: UnsafeMutablePointer<addrinfo>?
    let resolved = getaddrinfo(host, String(port), &hints, &found)
    guard resolved == 0, let first = found else { return "cannot resolve \(host): " + String(cString: gai_strerror(resolved)) }
    defer { freeaddrinfo(found) }
    let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
    guard fd >= 0 else { return String(cString: strerror(errno)) }
    defer { Glibc.close(fd) }
    var limit = timeval(tv_sec: 2, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    if connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 {
      return "the connection failed, then succeeded on a retry"
    }
    return String(cString: strerror(errno)).lowercased()
  }

  deinit { close() }

  /// Closes channel and connection (errors are irrelevant then).
  public func close() {
    guard open else { return }
    open = false
    _ = amqp_channel_close(state, channel, AMQP_REPLY_SUCCESS)
    _ = amqp_connection_close(state, AMQP_REPLY_SUCCESS)
    amqp_destroy_connection(state)
  }

  // MARK: topology

  public func declareExchange(_ name: String, type: String) throws(QueueError) {
    try withBytes([name, type]) { b throws(QueueError) in
      amqp_exchange_declare(state, channel, b[0], b[1], 0, 1, 0, 0, amqp_empty_table)
      try check(amqp_get_rpc_reply(state), "declaring exchange \(name)")
    }
  }

  /// Declares a durable queue (or, with `name` nil, an exclusive server-named one) and returns its name.
  @discardableResult
  public func declareQueue(
    _ name: String?, deadLetterExchange: String? = nil, type: BrokerURL.QueueType = .classic
  ) throws(QueueError) -> String {
    var arguments: [String: String] = [:]
    if let deadLetterExchange { arguments["x-dead-letter-exchange"] = deadLetterExchange }
    // A classic queue is declared without the argument, as before: queues made by older versions match.
    if type == .quorum { arguments["x-queue-type"] = type.rawValue }
    let result: String? = try withTable(arguments) {
      table throws(QueueError) -> String? in
      try withBytes([name ?? ""]) { b throws(QueueError) -> String? in
        let ok = amqp_queue_declare(
          state, channel, name == nil ? amqp_empty_bytes : b[0], 0, name == nil ? 0 : 1, name == nil ? 1 : 0,
          name == nil ? 1 : 0, table)
        try check(amqp_get_rpc_reply(state), "declaring queue \(name ?? "(exclusive)")")
        guard let ok else { return nil }
        return Self.string(ok.pointee.queue)
      }
    }
    return result ?? name ?? ""
  }

  public func bind(queue: String, exchange: String, routingKey: String) throws(QueueError) {
    try withBytes([queue, exchange, routingKey]) { b throws(QueueError) in
      amqp_queue_bind(state, channel, b[0], b[1], b[2], amqp_empty_table)
      try check(amqp_get_rpc_reply(state), "binding \(queue) to \(exchange)")
    }
  }

  /// Removes every message of a queue; returns how many.
  @discardableResult
  public func purge(queue: String) throws(QueueError) -> Int {
    try withBytes([queue]) { b throws(QueueError) -> Int in
      let ok = amqp_queue_purge(state, channel, b[0])
      try check(amqp_get_rpc_reply(state), "purging \(queue)")
      return Int(ok?.pointee.message_count ?? 0)
    }
  }

  // MARK: publishing

  /// Publishes a persistent message and waits until the broker confirms it (stored to disk for
  /// durable queues). Throws if it is refused or not confirmed within `timeout` seconds.
  public func publish(
    exchange: String, routingKey: String, body: Data, headers: [String: String] = [:], timeout: Double = 10
  ) throws(QueueError) {
    try send(exchange: exchange, routingKey: routingKey, body: body, headers: headers)
    try waitForConfirms(timeout: timeout)
  }

  /// Publishes without waiting; `waitForConfirms` then waits for everything sent so far (one round
  /// trip for a whole batch of events).
  public func send(exchange: String, routingKey: String, body: Data, headers: [String: String] = [:]) throws(QueueError) {
    try withTable(headers) { headerTable throws(QueueError) in
      var properties = withUnsafePointer(to: headerTable) { att_amqp_persistent_properties($0) }
      try withBytes([exchange, routingKey]) { b throws(QueueError) in
        let status = body.withUnsafeBytes { raw in
          amqp_basic_publish(
            state, channel, b[0], b[1], 0, 0, &properties,
            amqp_bytes_t(len: raw.count, bytes: UnsafeMutableRawPointer(mutating: raw.baseAddress)))
        }
        try check(status: status, "publishing to \(exchange)")
      }
    }
    nextPublishTag += 1
  }

  /// Waits until the broker confirmed every message sent on this connection.
  public func waitForConfirms(timeout: Double = 10) throws(QueueError) {
    let tag = nextPublishTag - 1
    guard tag > confirmedUpTo else { return }
    let deadline = Deadline(seconds: timeout)
    while confirmedUpTo < tag {
      let left = deadline.remaining
      guard left > 0 else { throw .notConfirmed(broker.description, reason: "no confirm within \(timeout) s") }
      var frame = amqp_frame_t()
      var wait = timeval(tv_sec: Int(left), tv_usec: Int((left - left.rounded(.down)) * 1e6))
      let status = amqp_simple_wait_frame_noblock(state, &frame, &wait)
      if status == AMQP_STATUS_TIMEOUT.rawValue { continue }
      try check(status: status, "waiting for a publisher confirm")
      var confirmed: UInt64 = 0
      var multiple: Int32 = 0
      let result = att_amqp_frame_method(&frame, &confirmed, &multiple)
      switch result {
      case 1:
        // Confirms may come one by one or cumulatively; all up to `tag` are needed.
        if multiple != 0 || confirmed == confirmedUpTo + 1 {
          confirmedUpTo = max(confirmedUpTo, confirmed)
        } else {
          pendingConfirms.insert(confirmed)
        }
        while pendingConfirms.remove(confirmedUpTo + 1) != nil { confirmedUpTo += 1 }
      case 2:
        throw .notConfirmed(broker.description, reason: "the broker refused a message (basic.nack)")
      case 3, 4:
        // In the broker's own words: CONNECTION_FORCED - broker forced connection closure ... (320).
        var code: Int32 = 0
        var text = [CChar](repeating: 0, count: 512)
        let what = result == 4 ? "connection" : "channel"
        if att_amqp_frame_close_reason(state, &frame, &code, &text, text.count) >= 0 {
          throw .connectionLost(
            broker.description, reason: "publishing: the broker closed the \(what): \(Self.string(text)) (\(code))")
        }
        throw .connectionLost(broker.description, reason: "publishing: the broker closed the \(what)")
      default: continue
      }
    }
  }

}
