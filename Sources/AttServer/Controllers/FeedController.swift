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
    } onUpgrade: { inbound, _, context in
      try await serve(
        inbound, context.requestContext.channel, context.request, scoped: context.requestContext.identity?.classes != nil)
    }
  }

  func serve(_ inbound: WebSocketInboundStream, _ channel: any Channel, _ request: Request, scoped: Bool) async throws {
    let (id, ended) = feed.join(channel, scoped: scoped)
    defer { feed.leave(id) }
    // Catching up: every record after `after`, a page at a time (joined first, so nothing committed
    // meanwhile is missed; the dashboard ignores a record it has already shown).
    var last: Int64 = 0
    if !scoped, var after = request.uri.queryParameters.get("after").flatMap({ Int64($0) }) {
      let store = self.store
      while true {
        let from = after
        let rows = try await database.run { try store.feed(after: from, limit: 1000) }
        for chunk in FeedMessage.chunks(rows) { try await feed.send(FeedMessage.attendance(chunk), to: channel) }
        guard let newest = rows.last?.id else { break }
        after = newest
        last = newest
        if rows.count < 1000 { break }
      }
    }
    try await feed.send(FeedMessage.hello(caughtUpTo: last), to: channel)
    feed.goLive(id)
    // The feed writes to the channel itself from now on; the session lasts until the client closes
    // (or pings end), or the feed lets the client go.
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for try await _ in inbound {}
      }
      group.addTask {
        for await _ in ended {}
      }
      try await group.next()
      group.cancelAll()
    }
  }
}
