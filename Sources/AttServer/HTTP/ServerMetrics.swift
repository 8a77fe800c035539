import Foundation
import Synchronization

/// Request counters for /metrics.
final class ServerMetrics: Sendable {
  private struct Requests {
    var byClass: [Int: Int] = [:]
    var seconds = 0.0
  }
  private let requests = Mutex(Requests())
  private let loginRefusals = Atomic<Int>(0)

  func count(status: Int, seconds elapsed: Double) {
    requests.withLock {
      $0.byClass[status / 100, default: 0] += 1
      $0.seconds += elapsed
    }
  }

  func countLoginRefusal() {
    loginRefusals.add(1, ordering: .relaxed)
  }

  func prometheus() -> String {
    let now = requests.withLock { $0 }
    var text = "# HELP att_http_requests_total HTTP requests answered, by status class.\n"
    text += "# TYPE att_http_requests_total counter\n"
    for (group, count) in now.byClass.sorted(by: { $0.key < $1.key }) {
      text += "att_http_requests_total{status=\"\(group)xx\"} \(count)\n"
    }
    text +=
      "# HELP att_http_request_seconds_total Time spent answering requests.\n# TYPE att_http_request_seconds_total counter\n"
    text += "att_http_request_seconds_total \(String(format: "%.6f", now.seconds))\n"
    text += "# HELP att_login_refusals_total Sign-ins refused (wrong password or rate-limited).\n"
    text += "# TYPE att_login_refusals_total counter\natt_login_refusals_total \(loginRefusals.load(ordering: .relaxed))\n"
    return text
  }
}
