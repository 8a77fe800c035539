import CoreMetrics
import Foundation
import Prometheus

/// What `/metrics` shows, counted through swift-metrics into a Prometheus registry of this server's
/// own (two servers in one process, as in the tests, count apart). The counters are kept as things
/// happen (requests, sign-in refusals, live feed pushes); the gauges are read when scraped (feed
/// clients, lag, the broker, the cameras). The names and their meaning: docs/operations.md.
final class ServerMetrics: Sendable {
  private let registry = PrometheusCollectorRegistry()
  private let factory: PrometheusMetricsFactory
  /// By status class: 1xx to 5xx.
  private let requests: [Int: CoreMetrics.Counter]
  private let requestSeconds: FloatingPointCounter
  private let loginRefusals: CoreMetrics.Counter
  /// Messages pushed to live feed clients (one per client per change).
  let feedPushes: CoreMetrics.Counter
  /// Live feed clients let go because they stopped reading (the dashboard reconnects and catches up).
  let feedDropped: CoreMetrics.Counter

  init() {
    factory = PrometheusMetricsFactory(registry: registry)
    var requests: [Int: CoreMetrics.Counter] = [:]
    for group in 1...5 {
      requests[group] = Counter(label: "att_http_requests_total", dimensions: [("status", "\(group)xx")], factory: factory)
    }
    self.requests = requests
    requestSeconds = FloatingPointCounter(label: "att_http_request_seconds_total", factory: factory)
    loginRefusals = Counter(label: "att_login_refusals_total", factory: factory)
    feedPushes = Counter(label: "att_events_pushed_total", factory: factory)
    feedDropped = Counter(label: "att_feed_clients_dropped_total", factory: factory)
  }

  func count(status: Int, seconds elapsed: Double) {
    requests[min(max(status / 100, 1), 5)]?.increment()
    requestSeconds.increment(by: max(elapsed, 0))
  }

  func countLoginRefusal() {
    loginRefusals.increment()
  }

  /// A gauge of this server's registry, set to `value` now.
  func gauge(_ name: String, _ dimensions: [(String, String)] = [], _ value: Double) {
    Gauge(label: name, dimensions: dimensions, factory: factory).record(value)
  }

  /// The Prometheus text of everything counted and set so far.
  func prometheus() -> String {
    registry.emitToString()
  }

  /// Gauges that are read fresh at each scrape and whose label sets come and go (one per camera):
  /// a registry for this scrape only, so a removed camera leaves no stale series.
  static func snapshot(_ fill: (_ gauge: (String, [(String, String)], Double) -> Void) throws -> Void) rethrows -> String {
    let registry = PrometheusCollectorRegistry()
    let factory = PrometheusMetricsFactory(registry: registry)
    try fill { name, dimensions, value in Gauge(label: name, dimensions: dimensions, factory: factory).record(value) }
    return registry.emitToString()
  }
}
