import AttQueue
import AttendanceKit
import Foundation

/// Load for `make bench`'s queue figures (not an operator tool).
///
///   queue-bench publish MQ_URL COUNT PERSON SEED [realistic]
///                                                  publish COUNT attendance observations with confirms;
///                                                  `realistic` gives each a class, a distance, a snapshot
///                                                  path and att-take's liveness verdict with its figures
///   queue-bench latency MQ_URL COUNT PERSON RATE   publish at RATE/s while a running att-worker applies
///                                                  them; print publish-to-committed-event latencies
/// Prints one JSON object.
@main
struct QueueBench {
  static func main() throws {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard (5...6).contains(arguments.count), let count = Int(arguments[2]), let number = Double(arguments[4]) else {
      FileHandle.standardError.write(Data("usage: queue-bench publish|latency MQ_URL COUNT PERSON SEED|RATE [realistic]\n".utf8))
      exit(64)
    }
    let realistic = arguments.count == 6 && arguments[5] == "realistic"
    let broker = try BrokerURL(arguments[1])
    let person = arguments[3]
    switch arguments[0] {
    case "publish": try publish(broker, count: count, person: person, seed: Int(number), realistic: realistic)
    case "latency": try latency(broker, count: count, person: person, rate: number)
    default: exit(64)
    }
  }

  /// A distinct observation: its own day (so each is a record, not a duplicate) and UUID. Days stay
  /// within 2000-2098 (a message may name 2000-2099); seeds are 6,000 days apart, so two producers of
  /// up to 6,000 observations each never share a day.
  static func observation(_ i: Int, person: String, seed: Int, realistic: Bool = false) -> Message {
    let day = (seed * 6_000 + i) % 36_000
    let date = Date(timeIntervalSince1970: 946_684_800 + Double(day) * 86_400 + 8 * 3600)
    let captured = CapturedTime(date, timeZone: TimeZone(secondsFromGMT: 0)!)
    guard realistic else {
      return .attendance(AttendanceMessage(personID: person, deviceID: "bench-cam", capturedAt: captured))
    }
    // What att-take sends for a recognised, live person at a classroom door.
    return .attendance(
      AttendanceMessage(
        personID: person, deviceID: "gate-1:camera:0", classID: "CS-101", capturedAt: captured, distance: 0.412,
        liveness: .init(
          verdict: "live: solid head motion",
          figures: ["blink": 0, "motion_residual": 0.071, "eye_distance_px": 58.2, "track_seconds": 0.97, "texture": 0.31]),
        snapshotPath: "snapshots/2026-11-25/\(UUID().uuidString).jpg"))
  }

  static func publish(_ broker: BrokerURL, count: Int, person: String, seed: Int, realistic: Bool) throws {
    let connection = try AMQPConnection(broker: broker)
    try QueueTopology.declare(on: connection)
    let start = Date()
    for i in 0..<count {
      try connection.publish(
        exchange: QueueTopology.exchange, routingKey: "attendance",
        body: try observation(i, person: person, seed: seed, realistic: realistic).encoded()
      )
    }
    let seconds = Date().timeIntervalSince(start)
    print("{\"published\":\(count),\"seconds\":\(seconds),\"per_second\":\(Double(count) / seconds)}")
  }

  static func latency(_ broker: BrokerURL, count: Int, person: String, rate: Double) throws {
    let publisher = try AMQPConnection(broker: broker)
    try QueueTopology.declare(on: publisher)
    let subscriber = try AMQPConnection(broker: broker)
    let events = try subscriber.declareQueue(nil)
    try subscriber.bind(queue: events, exchange: QueueTopology.events, routingKey: "")
    try subscriber.consume(queue: events, prefetch: 1000)
    var sent: [String: Date] = [:]
    var latencies: [Double] = []
    let start = Date()
    for i in 0..<count {
      let message = observation(i, person: person, seed: 7, realistic: true)
      sent[message.id.uuidString] = Date()
      try publisher.publish(exchange: QueueTopology.exchange, routingKey: "attendance", body: try message.encoded())
      let due = start.addingTimeInterval(Double(i + 1) / rate)
      while Date() < due, let event = try subscriber.nextDelivery(timeout: max(due.timeIntervalSinceNow, 0.001)) {
        record(event, sent: sent, into: &latencies)
        try subscriber.ack(event.tag)
      }
    }
    let deadline = Date(timeIntervalSinceNow: 10)
    while latencies.count < count, Date() < deadline, let event = try subscriber.nextDelivery(timeout: 0.5) {
      record(event, sent: sent, into: &latencies)
      try subscriber.ack(event.tag)
    }
    latencies.sort()
    guard !latencies.isEmpty else { print("{\"received\":0}"); return }
    let p50 = latencies[latencies.count / 2], p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
    print("{\"received\":\(latencies.count),\"median_ms\":\(p50 * 1000),\"p99_ms\":\(p99 * 1000)}")
  }

  static func record(_ event: Delivery, sent: [String: Date], into latencies: inout [Double]) {
    guard let object = try? JSONSerialization.jsonObject(with: event.body) as? [String: Any],
      object["type"] as? String == "attendance_recorded", let id = object["observation_id"] as? String, let at = sent[id]
    else { return }
    latencies.append(Date().timeIntervalSince(at))
  }
}
