import AttendanceKit
import CoreMetrics
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
  /// Counts the messages pushed, one per client per change (`att_events_pushed_total`).
  private let pushes: CoreMetrics.Counter?

  public init(pushes: CoreMetrics.Counter? = nil) {
    self.pushes = pushes
  }

  public var clientCount: Int { clients.withLock { $0.count } }

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
    pushes?.increment(by: Int64(targets.count))
  }

  func finishAll() {
    let all = clients.withLock { table in
      defer { table.removeAll() }
      return Array(table.values)
    }
    for client in all { client.finish() }
  }
}
