import AttFeedProbe
import AttQueue
import AttendanceKit
import Foundation
import Logging

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

// Each client is ready when the feed's hello comes (read as JSON), and ends when it has the burst.
let feed = FeedClients(url: url, token: token, clients: clients, day: day, events: events, logger: logger)
guard await feed.waitReady(within: 60) else {
  FileHandle.standardError.write(
    Data(
      "serve-bench: only \(feed.ready) of \(clients) clients got the feed's hello in 60 s\(feed.failures.first.map { " (first failure: \($0))" } ?? "")\n"
        .utf8))
  exit(1)
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
  sent[person] = feed.seconds()
}
let burstEnd = feed.seconds()
_ = await feed.waitEnded(within: 30)

let latencies = feed.latencies(sent: sent)
let sorted = latencies
let quantile = { (q: Double) -> Double in
  sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
}
let expected = clients * events
print(
  "{\"clients\":\(clients),\"events\":\(events),\"deliveries\":\(latencies.count),\"expected\":\(expected),\"median_ms\":\(String(format: "%.1f", quantile(0.5))),\"p99_ms\":\(String(format: "%.1f", quantile(0.99))),\"max_ms\":\(String(format: "%.1f", latencies.last ?? .nan)),\"burst_ms\":\(String(format: "%.1f", (burstEnd - (sent.values.min() ?? 0)) * 1000)),\"clients_complete\":\(feed.complete),\"clients_ended\":\(feed.ended),\"seconds\":\(String(format: "%.1f", feed.seconds() - burstEnd)),\"mode\":\"\(broker == nil ? "direct" : "queue")\"}"
)
feed.cancel()
exit(latencies.count == expected ? 0 : 1)
