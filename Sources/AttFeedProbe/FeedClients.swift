import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

/// Many WebSocket clients of att-serve's live feed, as open dashboards are. Each connects with a
/// token, counts as ready once the feed's hello has come (read as JSON: its keys may come in any
/// order), and notes when each person's record of one day reaches it. `serve-bench` measures the
/// delivery latency of 1,000 of them; the tests run 10 against a real server.
public final class FeedClients: Sendable {
  public let count: Int
  /// What the clients have seen: who is ready, who ended, and when each person's record reached
  /// each client (in `seconds()`).
  private let state = Mutex(State())
  private let tasks = Mutex<[Task<Void, Never>]>([])
  private let origin = ContinuousClock.now

  private struct State {
    var ready = 0
    var ended = 0
    var complete = 0
    var received: [String: [Double]] = [:]
    var failures: [String] = []
  }

  /// Opens `clients` connections to `url` (`ws://host:port/ws`), each waiting for `events` records
  /// of `day` (`YYYY-MM-DD`): a client ends when it has them all.
  public init(url: String, token: String, clients: Int, day: String, events: Int, logger: Logger = Logger(label: "feed-clients"))
  {
    count = clients
    let started = (0..<clients).map { _ in
      Task {
        do {
          try await WebSocketClient.connect(
            url: url, configuration: .init(maxFrameSize: 1 << 20, additionalHeaders: [.authorization: "Bearer \(token)"]),
            logger: logger
          ) { inbound, outbound, _ in
            var greeted = false
            var seen = 0
            for try await message in inbound.messages(maxSize: 1 << 20) {
              guard case .text(let text) = message else { continue }
              if !greeted {
                // Only until the hello: a JSON parse of every record would make this process, not
                // the server, the bottleneck of the benchmark on two cores.
                if FeedClients.isHello(text) {
                  greeted = true
                  self.state.withLock { $0.ready += 1 }
                }
                continue
              }
              let t = self.seconds()
              let people = FeedClients.personIDs(in: text, day: day)
              self.state.withLock { s in for person in people { s.received[person, default: []].append(t) } }
              seen += people.count
              if seen >= events { break }
            }
            self.state.withLock {
              $0.ended += 1
              if seen >= events { $0.complete += 1 }
            }
            try await outbound.close(.normalClosure, reason: nil)
          }
        } catch {
          self.state.withLock { $0.failures.append("\(error)") }
        }
      }
    }
    tasks.withLock { $0 = started }
  }

  /// Seconds since these clients were made (monotonic).
  public func seconds() -> Double {
    let d = ContinuousClock.now - origin
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
  }

  /// Clients that got the hello.
  public var ready: Int { state.withLock { $0.ready } }
  /// Clients that got every record they waited for, and those that ended at all.
  public var complete: Int { state.withLock { $0.complete } }
  public var ended: Int { state.withLock { $0.ended } }
  /// Why clients failed to connect or were cut off, one line each.
  public var failures: [String] { state.withLock { $0.failures } }

  /// Waits until every client is ready (or has failed), for at most `seconds`; whether all are ready.
  public func waitReady(within seconds: Double) async -> Bool {
    await wait(within: seconds) { $0.ready + $0.failures.count >= count }
    return ready == count
  }

  /// Records received by all the clients together (one per record per client).
  public var received: Int { state.withLock { $0.received.values.reduce(0) { $0 + $1.count } } }

  /// Waits until the clients have received `count` records in all, for at most `seconds`; whether they did.
  public func waitReceived(_ count: Int, within seconds: Double) async -> Bool {
    await wait(within: seconds) { $0.received.values.reduce(0) { $0 + $1.count } >= count }
    return received >= count
  }

  /// Waits until every client has ended (or failed), for at most `seconds`; whether all did.
  public func waitEnded(within seconds: Double) async -> Bool {
    await wait(within: seconds) { $0.ended + $0.failures.count >= count }
    return ended == count
  }

  /// Each delivery's latency in milliseconds, from when its person's record was sent (`sent`, in
  /// `seconds()`), sorted.
  public func latencies(sent: [String: Double]) -> [Double] {
    let received = state.withLock { $0.received }
    var latencies: [Double] = []
    for (person, times) in received { if let t0 = sent[person] { latencies += times.map { ($0 - t0) * 1000 } } }
    return latencies.sorted()
  }

  public func cancel() {
    for task in tasks.withLock({ $0 }) { task.cancel() }
  }

  private func wait(within seconds: Double, until done: (State) -> Bool) async {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while !state.withLock({ done($0) }) && ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(20))
    }
  }

  /// Whether a feed message is the hello a client gets first.
  public static func isHello(_ text: String) -> Bool {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return false }
    return object["type"] as? String == "hello"
  }

  /// The values of every "person_id" in a feed message of `day`'s records (none when the message
  /// does not name the day), by a scan of its UTF-8 bytes (memchr and memcmp): 1,000 clients scan every message on the
  /// same two cores as the server they measure, and Foundation's string search made this process,
  /// not the server, most of the latency (perf, 2026-12-06: 65% of the CPU in the burst).
  public static func personIDs(in text: String, day: String? = nil) -> [String] {
    var text = text
    return text.withUTF8 { bytes in
      guard let base = bytes.baseAddress else { return [] }
      if let day, find(Array(day.utf8), in: base, from: 0, count: bytes.count) == nil { return [] }
      let key = Array(#""person_id":""#.utf8)
      var found: [String] = []
      var at = 0
      while let start = find(key, in: base, from: at, count: bytes.count) {
        let from = start + key.count
        var end = from
        while end < bytes.count && bytes[end] != UInt8(ascii: "\"") { end += 1 }
        guard end < bytes.count else { break }
        found.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<end]), as: UTF8.self))
        at = end + 1
      }
      return found
    }
  }

  /// Where `needle` first occurs in `base[from..<count]` (memchr for its first byte, then memcmp).
  private static func find(_ needle: [UInt8], in base: UnsafePointer<UInt8>, from: Int, count: Int) -> Int? {
    needle.withUnsafeBufferPointer { n -> Int? in
      var at = from
      while count - at >= n.count {
        guard let hit = memchr(base + at, Int32(n[0]), count - at - n.count + 1) else { return nil }
        let index = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
        if memcmp(base + index, n.baseAddress!, n.count) == 0 { return index }
        at = index + 1
      }
      return nil
    }
  }
}
