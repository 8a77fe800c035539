import AttendanceKit
import Foundation

/// Load for `make bench`'s queue figures (not an operator tool).
///
///   queue-bench publish MQ_URL COUNT PERSON SEED   publish COUNT attendance observations with confirms
///   queue-bench latency MQ_URL COUNT PERSON RATE   publish at RATE/s while a running att-worker applies
///                                                  them; print publish-to-committed-event latencies
/// Prints one JSON object.
@main
struct QueueBench {
  static func main() throws {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard arguments.count == 5, let count = Int(arguments[2]), let number = Double(arguments[4]) else {
      FileHandle.standardError.write(Data("usage: queue-bench publish|latency MQ_URL COUNT PERSON SEED|RATE\n".utf8))
      exit(64)
    }
    let broker = try BrokerURL(arguments[1])
    let person = arguments[3]
    switch arguments[0] {
    case "publish": try publish(broker, count: count, person: person, seed: Int(number))
    case "latency": try latency(broker, count: count, person: person, rate: number)
    default: exit(64)
    }
  }

  /// A distinct observation: its own day (so each is a record, not a duplicate) and UUID.
  static func observation(_ i: Int, person: String, seed: Int) -> Message {
    let day = i + seed * 100_000  // about 270 years per seed: four-digit years, distinct days
    let date = Date(timeIntervalSince1970: 1_700_000_000 + Double(day) * 86_400)
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(secondsFromGMT: 0)
    return .attendance(AttendanceMessage(personID: person, deviceID: "bench-cam", capturedAt: formatter.string(from: date)))
  }

  static func publish(_ broker: BrokerURL, count: Int, person: String, seed: Int) throws {
    let connection = try AMQPConnection(broker: broker)
    try QueueTopology.declare(on: connection)
    let start = Date()
    for i in 0..<count {
      try connection.publish(
        exchange: QueueTopology.exchange, routingKey: "attendance", body: try observation(i, person: person, seed: seed).encoded()
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
      let message = observation(i, person: person, seed: 7)
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
