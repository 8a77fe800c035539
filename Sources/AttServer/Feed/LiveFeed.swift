import CoreMetrics
import Foundation
import NIOCore
import NIOWebSocket
import Synchronization

/// The WebSocket clients and what is pushed to them.
///
/// A change is encoded once and written to every socket straight through its NIO channel, in one
/// batch per event loop: the writes run on NIO's threads, not as a task per socket on Swift's
/// two-thread cooperative pool (with 1,000 clients those tasks were most of the feed's latency).
/// A client is first `pending` (it is catching up from the database, and what is broadcast meanwhile
/// waits in its queue, so nothing is missed or reordered), then `live`. A client that stops reading
/// is let go once `maxBacklog` bytes wait for it (or `maxPending` messages while it catches up): its
/// session ends with a close frame, and the dashboard reconnects with `?after=` and catches up from
/// the database, instead of the server's memory growing or records being dropped silently.
public final class LiveFeed: Sendable {
  /// One connected client: its channel, whether it sees records (a teacher's feed gets a `changed`
  /// note instead), what waits while it catches up, and how to end its session.
  private struct Client {
    let channel: any Channel
    let scoped: Bool
    var pending: [WebSocketFrame]?
    let end: AsyncStream<Void>.Continuation
  }

  private let clients = Mutex<[UUID: Client]>([:])
  /// Counts the messages pushed, one per client per change (`att_events_pushed_total`).
  private let pushes: CoreMetrics.Counter?
  /// Counts the clients let go for not reading (`att_feed_clients_dropped_total`).
  private let dropped: CoreMetrics.Counter?
  let maxBacklog: Int
  let maxPending: Int
  private let attendanceNote = WebSocketFrame(
    fin: true, opcode: .text, data: ByteBuffer(string: FeedMessage.changed("attendance")))

  public init(
    pushes: CoreMetrics.Counter? = nil, dropped: CoreMetrics.Counter? = nil, maxBacklog: Int = 4 << 20,
    maxPending: Int = 2000
  ) {
    self.pushes = pushes
    self.dropped = dropped
    self.maxBacklog = maxBacklog
    self.maxPending = maxPending
  }

  public var clientCount: Int { clients.withLock { $0.count } }

  /// A new client on `channel` (an upgraded WebSocket), pending until `goLive`: call `leave` with its
  /// id when it goes. The stream ends when the feed lets the client go (shutdown, or it stopped
  /// reading).
  func join(_ channel: any Channel, scoped: Bool) -> (UUID, AsyncStream<Void>) {
    let id = UUID()
    let (ended, end) = AsyncStream<Void>.makeStream()
    // Above the high mark the channel is not writable; the backlog is measured on the loop.
    _ = channel.setOption(ChannelOptions.writeBufferWaterMark, value: .init(low: maxBacklog / 2, high: maxBacklog))
    clients.withLock { $0[id] = Client(channel: channel, scoped: scoped, pending: [], end: end) }
    return (id, ended)
  }

  /// Writes one text message to a client that is still catching up, and waits until it is written.
  func send(_ text: String, to channel: any Channel) async throws {
    try await channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text))).get()
  }

  /// The client has caught up: what was broadcast meanwhile is written now, then every broadcast.
  func goLive(_ id: UUID) {
    clients.withLock { table in
      guard let pending = table[id]?.pending else { return }
      table[id]?.pending = nil
      guard !pending.isEmpty, let client = table[id] else { return }
      write(pending.map { (client.channel, $0, id) }, on: client.channel.eventLoop)
    }
  }

  func leave(_ id: UUID) {
    clients.withLock { $0.removeValue(forKey: id) }?.end.finish()
  }

  /// Sends one message to every client: encoded once, the same bytes shared by every socket, written
  /// in one batch per event loop.
  func broadcast(_ text: String) {
    let frame = WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text))
    let scopedFrame = FeedMessage.isAttendance(frame.data) ? attendanceNote : frame
    var overflowed: [UUID] = []
    let count = clients.withLock { table in
      var batches: [ObjectIdentifier: (loop: any EventLoop, writes: [(any Channel, WebSocketFrame, UUID)])] = [:]
      for (id, client) in table {
        let message = client.scoped ? scopedFrame : frame
        if let pending = client.pending {
          // Catching up: kept in order, within bounds.
          if pending.count < maxPending { table[id]!.pending!.append(message) } else { overflowed.append(id) }
          continue
        }
        let loop = client.channel.eventLoop
        batches[ObjectIdentifier(loop), default: (loop, [])].writes.append((client.channel, message, id))
      }
      for batch in batches.values { write(batch.writes, on: batch.loop) }
      return table.count
    }
    for id in overflowed { letGo(id) }
    pushes?.increment(by: Int64(count))
  }

  /// Runs the writes on `loop` (NIO's thread), each flushed at once, so that a client's backlog is
  /// what its socket has not taken. A channel over its high water mark (a client that stopped
  /// reading) gets nothing more and its session is ended.
  private func write(_ writes: [(any Channel, WebSocketFrame, UUID)], on loop: any EventLoop) {
    loop.execute {
      for (channel, frame, id) in writes where channel.isActive {
        if channel.isWritable { channel.writeAndFlush(frame, promise: nil) } else { self.letGo(id) }
      }
    }
  }

  /// Ends a client's session because it stopped reading (or, catching up, fell `maxPending` behind).
  private func letGo(_ id: UUID) {
    guard let client = clients.withLock({ $0.removeValue(forKey: id) }) else { return }
    dropped?.increment()
    client.end.finish()
  }

  func finishAll() {
    let all = clients.withLock { table in
      defer { table.removeAll() }
      return Array(table.values)
    }
    for client in all { client.end.finish() }
  }
}
