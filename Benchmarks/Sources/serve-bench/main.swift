import AttQueue
import AttendanceKit
import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

// serve-bench: N WebSocket clients on att-serve's live feed, then a burst of attendance records;
// prints the delivery latency from commit (direct mode) or publish (queue mode) to each client.
//   serve-bench URL TOKEN CLIENTS EVENTS DB [MQ_URL]
let arguments = CommandLine.arguments
guard arguments.count >= 6, let clients = Int(arguments[3]), let events = Int(arguments[4]) else {
  FileHandle.standardError.write(Data("usage: serve-bench ws://HOST:PORT/ws TOKEN CLIENTS EVENTS DB [MQ_URL]\n".utf8))
  exit(64)
}
let url = arguments[1]
let token = arguments[2]
let store = try AttendanceStore(location: DatabaseLocation(path: arguments[5]))
let broker = arguments.count > 6 ? try BrokerURL(arguments[6]) : nil

// 1,000 sockets need more than the usual 1,024 descriptors once the process's own are counted.
var limit = rlimit()
getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
limit.rlim_cur = limit.rlim_max
setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)

_ = now()

let people = try store.people().prefix(events).map(\.id)
guard people.count == events else { fatalError("need \(events) people in the database, found \(people.count)") }
// The day after the last one any run used, so that every record of the burst is new.
let last = try store.latestDay().map(\.text).flatMap { $0 >= "2030-01-01" ? $0 : nil }
let day: String = {
  var calendar = Calendar(identifier: .gregorian)
  calendar.timeZone = TimeZone(identifier: "UTC")!
  let parts = (last ?? "2029-12-31").split(separator: "-").compactMap { Int($0) }
  let previous = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
  let c = calendar.dateComponents([.year, .month, .day], from: calendar.date(byAdding: .day, value: 1, to: previous)!)
  return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
}()

let tasks = (0..<clients).map { _ in
  Task {
    try await WebSocketClient.connect(
      url: url, configuration: .init(additionalHeaders: [.authorization: "Bearer \(token)"]), logger: logger
    ) { inbound, outbound, _ in
      var seen = 0
      for try await message in inbound.messages(maxSize: 1 << 20) {
        guard case .text(let text) = message else { continue }
        if text.hasPrefix("{\"type\":\"hello\"") {
          ready.add(1, ordering: .relaxed)
          continue
        }
        let t = now()
        // Person ids by a plain scan (a JSON parser here would make this process, not the server,
        // the bottleneck on two cores); only the burst's day is counted.
        guard text.contains(day) else { continue }
        let people = personIDs(in: text)
        received.withLock { table in for person in people { table[person, default: []].append(t) } }
        seen += people.count
        if seen == events { break }
      }
      done.add(1, ordering: .relaxed)
      complete.add(seen == events ? 1 : 0, ordering: .relaxed)
      try await outbound.close(.normalClosure, reason: nil)
    }
  }
}

while ready.load(ordering: .relaxed) < clients {
  try await Task.sleep(for: .milliseconds(50))
  if now() > 60 { fatalError("only \(ready.load(ordering: .relaxed)) of \(clients) clients connected in 60 s") }
}

// The burst: each record committed (direct) or published (queue) as fast as possible.
let delivery: any MessageDelivery =
  if let broker { try QueueDelivery(broker: broker, spool: NSTemporaryDirectory() + "serve-bench-\(UUID())") } else {
    DirectDelivery(handler: MessageHandler(store: store, media: MediaLibrary(root: NSTemporaryDirectory())))
  }
var sent: [String: Double] = [:]
for person in people {
  _ = try delivery.deliver(
    .attendance(AttendanceMessage(personID: person, deviceID: "bench", capturedAt: CapturedTime("\(day)T08:00:00+00:00")!)))
  sent[person] = now()
}
let burstEnd = now()
while done.load(ordering: .relaxed) < clients && now() - burstEnd < 30 { try await Task.sleep(for: .milliseconds(20)) }

var latencies: [Double] = []
let table = received.withLock { $0 }
for (person, times) in table { if let t0 = sent[person] { latencies += times.map { ($0 - t0) * 1000 } } }
latencies.sort()
let sorted = latencies
let quantile = { (q: Double) -> Double in
  sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
}
let expected = clients * events
print(
  "{\"clients\":\(clients),\"events\":\(events),\"deliveries\":\(latencies.count),\"expected\":\(expected),\"median_ms\":\(String(format: "%.1f", quantile(0.5))),\"p99_ms\":\(String(format: "%.1f", quantile(0.99))),\"max_ms\":\(String(format: "%.1f", latencies.last ?? .nan)),\"burst_ms\":\(String(format: "%.1f", (burstEnd - (sent.values.min() ?? 0)) * 1000)),\"clients_complete\":\(complete.load(ordering: .relaxed)),\"clients_ended\":\(done.load(ordering: .relaxed)),\"seconds\":\(String(format: "%.1f", now() - burstEnd)),\"mode\":\"\(broker == nil ? "direct" : "queue")\"}"
)
for task in tasks { task.cancel() }
exit(latencies.count == expected ? 0 : 1)
