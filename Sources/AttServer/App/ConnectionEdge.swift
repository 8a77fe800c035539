import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Whether `ConnectionEdge` ended the connection itself (a refusal, a 400, a head that never came),
/// so that the HTTP handler behind it is not run on a closed channel.
final class EdgeOutcome: Sendable {
  private let ended = Atomic<Bool>(false)
  var endedByEdge: Bool { ended.load(ordering: .acquiring) }
  func markEnded() { ended.store(true, ordering: .releasing) }
}

/// The first handler of every connection, in front of the HTTP decoder:
/// - admits the connection under `ConnectionLimits`, or answers 503 and closes it;
/// - gives the first request head `headTimeout` to arrive whole (a client that sends half a head,
///   or nothing, is closed; Hummingbird's own idle timeout starts only once a head has been read);
/// - answers 400 and closes when the first request line or a header line is not HTTP/1.x, or when
///   the HTTP decoder behind it fails (`DecoderErrorReport` tells it so).
/// After the first head it passes bytes through untouched.
final class ConnectionEdge: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private let limits: ConnectionLimits
  private let headTimeout: TimeAmount
  let outcome = EdgeOutcome()
  private var address: String?
  private var timer: Scheduled<Void>?
  /// The first head as far as it has come (only while it is incomplete), at most `maxHead` bytes.
  private var head: [UInt8] = []
  private var headDone = false
  private var refused = false
  /// This handler's place in the pipeline, for `DecoderErrorReport` (used on the event loop only).
  private var context: ChannelHandlerContext?
  static let maxHead = 64 * 1024

  init(limits: ConnectionLimits, headTimeout: TimeAmount) {
    self.limits = limits
    self.headTimeout = headTimeout
  }

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    if context.channel.isActive { start(context) }
  }

  func channelActive(context: ChannelHandlerContext) {
    start(context)
    context.fireChannelActive()
  }

  private func start(_ context: ChannelHandlerContext) {
    guard address == nil, !refused else { return }
    let remote = context.channel.remoteAddress?.ipAddress ?? "unknown"
    if let refusal = limits.admit(remote) {
      refused = true
      let why = refusal == .total ? "the server is at its connection limit" : "too many connections from your address"
      answer(context, status: "503 Service Unavailable", text: "\(why); try again shortly", retryAfter: 5)
      return
    }
    address = remote
    let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
    let outcome = self.outcome
    timer = context.eventLoop.scheduleTask(in: headTimeout) {
      outcome.markEnded()
      loopBound.value.close(promise: nil)
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    finish()
    context.fireChannelInactive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
    finish()
  }

  private func finish() {
    timer?.cancel()
    timer = nil
    if let address {
      limits.release(address)
      self.address = nil
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    if refused { return }
    guard !headDone else {
      context.fireChannelRead(data)
      return
    }
    let buffer = unwrapInboundIn(data)
    head.append(contentsOf: buffer.readableBytesView.prefix(Self.maxHead + 4 - head.count))
    switch HeadCheck.examine(head) {
    case .incomplete where head.count > Self.maxHead:
      answer(context, status: "431 Request Header Fields Too Large", text: "the request head is over 64 KiB")
    case .incomplete:
      context.fireChannelRead(data)
    case .malformed(let why):
      answer(context, status: "400 Bad Request", text: why)
    case .complete:
      headDone = true
      head = []
      timer?.cancel()
      timer = nil
      context.fireChannelRead(data)
    }
  }

  /// The decoder behind failed on what the client sent: true when this handler answered it.
  func decoderFailed() -> Bool {
    guard let context, !refused else { return false }
    answer(context, status: "400 Bad Request", text: "malformed HTTP request")
    return true
  }

  /// Writes a whole response as raw bytes (nothing behind this handler sees it) and closes.
  private func answer(_ context: ChannelHandlerContext, status: String, text: String, retryAfter: Int? = nil) {
    timer?.cancel()
    timer = nil
    headDone = true
    refused = true
    outcome.markEnded()
    let body = text + "\n"
    var response = "HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
    if let retryAfter { response += "Retry-After: \(retryAfter)\r\n" }
    response += "Connection: close\r\n\r\n" + body
    let channel = context.channel
    context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response))).whenComplete { _ in
      channel.close(promise: nil)
    }
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    // Once this handler has answered, nothing else may write after its response.
    if refused {
      promise?.fail(ChannelError.ioOnClosedChannel)
      return
    }
    context.write(data, promise: promise)
  }
}

/// The last handler: hands a decoder error to `ConnectionEdge` at the front, which answers 400.
final class DecoderErrorReport: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = NIOAny
  private let edge: ConnectionEdge

  init(edge: ConnectionEdge) {
    self.edge = edge
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if error is HTTPParserError, edge.decoderFailed() { return }
    context.fireErrorCaught(error)
  }
}

/// A first look at a request head, enough to refuse what is not HTTP/1.x before the decoder does.
enum HeadCheck: Equatable {
  case incomplete
  case complete
  case malformed(String)

  static func examine(_ bytes: [UInt8]) -> HeadCheck {
    // Leading empty lines are allowed before a request line (RFC 9112 2.2).
    var start = 0
    while start + 1 < bytes.count, bytes[start] == 13, bytes[start + 1] == 10 { start += 2 }
    guard let lineEnd = find(bytes, [13, 10], from: start) else {
      return checkLine(bytes[start...], partial: true)
    }
    if case .malformed(let why) = checkLine(bytes[start..<lineEnd], partial: false) { return .malformed(why) }
    // Header lines: name ":" value, no line folding, no bare CR.
    var at = lineEnd + 2
    while let end = find(bytes, [13, 10], from: at) {
      if end == at { return .complete }
      let line = bytes[at..<end]
      guard let colon = line.firstIndex(of: 58), colon > at, !line.prefix(1).contains(where: { $0 == 32 || $0 == 9 }),
        line[at..<colon].allSatisfy(isTokenByte)
      else { return .malformed("malformed header line") }
      at = end + 2
    }
    return .incomplete
  }

  /// `METHOD SP target SP HTTP/1.x`.
  private static func checkLine(_ line: ArraySlice<UInt8>, partial: Bool) -> HeadCheck {
    guard let space = line.firstIndex(of: 32) else {
      return partial && line.allSatisfy(isTokenByte) ? .incomplete : .malformed("malformed request line")
    }
    guard space > line.startIndex, line[line.startIndex..<space].allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
      return .malformed("malformed request line: the method")
    }
    let rest = line[(space + 1)...]
    guard let second = rest.firstIndex(of: 32) else {
      return partial && rest.allSatisfy({ $0 > 32 && $0 < 127 }) ? .incomplete : .malformed("malformed request line")
    }
    guard second > rest.startIndex, rest[rest.startIndex..<second].allSatisfy({ $0 > 32 && $0 < 127 }) else {
      return .malformed("malformed request line: the target")
    }
    let version = Array(rest[(second + 1)...])
    let expected = Array("HTTP/1.".utf8)
    if partial { return version.count <= 8 && zip(version, expected).allSatisfy(==) ? .incomplete : .malformed("not HTTP/1.x") }
    guard version.count == 8, Array(version.prefix(7)) == expected, version[7] == 48 || version[7] == 49 else {
      return .malformed("not HTTP/1.0 or HTTP/1.1")
    }
    return .complete
  }

  private static func isTokenByte(_ b: UInt8) -> Bool {
    (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || Array("!#$%&'*+-.^_`|~".utf8).contains(b)
  }

  private static func find(_ bytes: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
    guard from + needle.count <= bytes.count else { return nil }
    for i in from...(bytes.count - needle.count) where bytes[i] == needle[0] && bytes[i + 1] == needle[1] { return i }
    return nil
  }
}
