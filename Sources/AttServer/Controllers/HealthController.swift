import AttendanceKit
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `GET /healthz` (open to all, for load balancers and systemd): whether the database can be read
/// and, in queue mode, the broker reached; `GET /metrics` (people): Prometheus counters.
struct HealthController: Sendable {
  let store: AttendanceStore
  let database: BlockingWork
  let follower: FeedFollower
  let feed: LiveFeed
  let metrics: ServerMetrics
  let cameras: CameraController
  let usesBroker: Bool
  let logger: Logger

  func addRoutes(open: Router<AppContext>, people: RouterGroup<AppContext>) {
    open.get("/healthz") { _, _ in try await database.run { try health() } }
    people.get("/metrics") { _, _ in try await database.run { try metricsText() } }
  }

  func health() throws -> Response {
    var database = "ok"
    do { try store.checkReadable() } catch {
      // The cause goes to the log; anyone may read /healthz, so it says only that the database fails.
      logger.error("health: the database cannot be read: \(error)")
      database = "error"
    }
    let broker: String
    if !usesBroker {
      broker = "not used (direct mode)"
    } else {
      broker = follower.brokerConnected.load(ordering: .relaxed) ? "ok" : "unreachable"
    }
    let healthy = database == "ok" && (!usesBroker || broker == "ok")
    struct Health: Encodable {
      let status: String
      let database: String
      let broker: String
    }
    return try JSONBody(Health(status: healthy ? "ok" : "degraded", database: database, broker: broker))
      .response(status: healthy ? .ok : .serviceUnavailable)
  }

  func metricsText() throws -> Response {
    metrics.gauge("att_websocket_clients", [], Double(feed.clientCount))
    if let lag = follower.lastLag.withLock({ $0 }) { metrics.gauge("att_feed_lag_seconds", [], lag) }
    if usesBroker { metrics.gauge("att_broker_connected", [], follower.brokerConnected.load(ordering: .relaxed) ? 1 : 0) }
    let text = metrics.prometheus() + (try cameras.prometheus())
    return Response(
      status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: ResponseBody(byteBuffer: ByteBuffer(string: text))
    )
  }
}
