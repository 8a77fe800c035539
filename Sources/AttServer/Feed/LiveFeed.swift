import AttendanceKit
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The WebSocket clients and what is pushed to them. Each client has a bounded buffer: a client that
/// stops reading loses its oldest messages (and catches up from the database when it reconnects)
/// instead of growing the server's memory.
public final class LiveFeed: Sendable {
  private let clients = Mutex<[UUID: AsyncStream<ByteBuffer>.Continuation]>([:])
  let pushed = Atomic<Int>(0)

  public init() {}

  public var clientCount: Int { clients.withLock { $0.count } }
  public var eventsPushed: Int { pushed.load(ordering: .relaxed) }

  /// A new client's stream of messages; call `leave` with its id when it goes.
  func join() -> (UUID, AsyncStream<ByteBuffer>) {
    let id = UUID()
    let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingNewest(2000))
    clients.withLock { $0[id] = continuation }
    return (id, stream)
  }

  func leave(_ id: UUID) {
    clients.withLock { $0.removeValue(forKey: id) }?.finish()
  }

  /// Sends one message to every client: encoded once, the same bytes shared by every socket.
  func broadcast(_ text: String) {
    let bytes = ByteBuffer(string: text)
    let targets = clients.withLock { Array($0.values) }
    for client in targets { client.yield(bytes) }
    pushed.add(targets.count, ordering: .relaxed)
  }

  func finishAll() {
    let all = clients.withLock { table in
      defer { table.removeAll() }
      return Array(table.values)
    }
    for client in all { client.finish() }
  }
}
