import AttendanceKit
import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

/// `GET /ws` (people; a WebSocket from this origin only): what the client missed (records after
/// its `after`), then every new record as it commits, and a `changed` note for other changes.
/// A teacher's feed carries no records (they name pupils of every class): a `changed` note with
/// `what: "attendance"` tells the page to read its classes again.
struct FeedController: Sendable {
  let store: AttendanceStore
  let feed: LiveFeed
  let database: BlockingWork

  func addRoutes(people: RouterGroup<AppContext>) {
    people.ws("/ws") { _, _ in
      .upgrade([:])
    } onUpgrade: { inbound, outbound, context in
      try await serve(inbound, outbound, context.request, scoped: context.requestContext.identity?.classes != nil)
    }
  }

  func serve(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, _ request: Request, scoped: Bool)
    async throws
  {
    let (id, stream) = feed.join()
    defer { feed.leave(id) }
    // Catching up: every record after `after`, a page at a time (joined first, so nothing committed
    // meanwhile is missed; the dashboard ignores a record it has already shown).
    var last: Int64 = 0
    if !scoped, var after = request.uri.queryParameters.get("after").flatMap({ Int64($0) }) {
      let store = self.store
      while true {
        let from = after
        let rows = try await database.run { try store.feed(after: from, limit: 1000) }
        for chunk in FeedMessage.chunks(rows) { try await outbound.write(.text(FeedMessage.attendance(chunk))) }
        guard let newest = rows.last?.id else { break }
        after = newest
        last = newest
        if rows.count < 1000 { break }
      }
    }
    try await outbound.write(.text(FeedMessage.hello(caughtUpTo: last)))
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for try await _ in inbound {}  // the client's close (or pings) end the session
      }
      group.addTask {
        let note = ByteBuffer(string: FeedMessage.changed("attendance"))
        for await bytes in stream {
          let frame = scoped && FeedMessage.isAttendance(bytes) ? note : bytes
          try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: frame)))
        }
      }
      try await group.next()
      group.cancelAll()
    }
  }
}
