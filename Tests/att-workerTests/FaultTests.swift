import AttQueue
import AttTestSupport
import AttendanceKit
import Foundation
import GRDB
import Testing

/// The faults a real site meets, against the real tools and broker, each in a virtual host (or a
/// broker node) of its own: a poisoned queue, a worker killed by the kernel, a broker that restarts,
/// a producer whose broker is away.
@Suite("Faults: poison, kill -9, a broker restart, a spool", .testThreads)
struct FaultTests {
  /// Messages no worker can ever apply, each with the words its dead letter's reason must contain.
  static func poisonCorpus() throws -> [(key: String, body: Data, reason: String)] {
    func attendance(_ fields: [String: Any]) throws -> Data {
      var object: [String: Any] = [
        "type": "attendance", "version": 1, "id": UUID().uuidString, "person_id": "P1", "device_id": "gate",
        "captured_at": "2026-11-25T08:00:00+01:00", "direction": "in",
      ]
      for (key, value) in fields { object[key] = value }
      return try JSONSerialization.data(withJSONObject: object)
    }
    return [
      ("attendance", Data(), "message body is empty"),
      ("register", Data(), "message body is empty"),
      ("attendance", Data([0xFF, 0xFE, 0x00, 0x41]), "message is not valid JSON"),
      ("attendance", Data("[1,2]".utf8), "message must be a JSON object, not an array"),
      ("attendance", Data("null".utf8), "message must be a JSON object, not null"),
      ("attendance", Data(#"{"type":5,"version":1}"#.utf8), "field 'type' must be a string, not a number"),
      ("attendance", Data(#"{"type":"attendance","version":"1"}"#.utf8), "field 'version' must be a whole number"),
      ("attendance", Data(#"{"type":"enrol","version":1}"#.utf8), "unknown message type 'enrol'"),
      ("attendance", try attendance(["person_id": 7]), "field 'person_id' must be a string"),
      ("attendance", try attendance(["captured_at": "0000-01-01T00:00:00+00:00"]), "field 'captured_at'"),
      ("attendance", try attendance(["captured_at": "9999-12-31T23:59:60+23:59"]), "field 'captured_at'"),
      ("attendance", try attendance(["device_id": String(repeating: "d", count: 1 << 20)]), "field 'device_id' is longer"),
      ("attendance", try attendance(["class": String(repeating: "c", count: 2 << 20)]), "field 'class'"),
      ("attendance", try attendance(["snapshot": String(repeating: "s", count: 5 << 20)]), "field 'snapshot' is longer"),
      ("attendance", try attendance(["person_id": "NOBODY"]), "unknown person 'NOBODY'"),
    ]
  }

  /// Enrols P1 in the folder's database, in direct mode, as an operator would.
  func enrol(in folder: String) throws {
    let enrol = try ToolRun.run(
      "att-register",
      [
        "add", "--id", "P1", "--name", "Ann", "--source", "\(Checkout.shared)/faces/people/barack_obama", "--count", "1",
        "--no-extract",
      ], in: folder)
    #expect(enrol.status == 0, "\(enrol.stderr)")
  }

  @Test(
    "a poisoned queue: every poison message (the empty body first) is dead-lettered exactly once with its cause; the good ones behind it are applied"
  )
  func poisonCorpus() throws {
    let url = try Broker.freshVirtualHost()
    let folder = try Checkout.scratchFolder("poison")
    try enrol(in: folder)
    let raw = try AMQPConnection(broker: try BrokerURL(url))
    try QueueTopology.declare(on: raw)
    let corpus = try Self.poisonCorpus()
    for poison in corpus { try raw.publish(exchange: QueueTopology.exchange, routingKey: poison.key, body: poison.body) }
    let producer = try QueueDelivery(broker: try BrokerURL(url), spool: "\(folder)/producer-spool")
    for day in 1...10 {
      _ = try producer.deliver(
        .attendance(
          AttendanceMessage(personID: "P1", deviceID: "gate", capturedAt: CapturedTime(String(format: "2026-10-%02dT08:00:00+01:00", day))!)))
    }
    let worker = try ToolRun.start("att-worker", [], in: folder, environment: ["MQ_URL": url])
    let store = try AttendanceStore(location: DatabaseLocation(path: "\(folder)/data/attendance.db"))
    #expect(eventually { (try? store.reader { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM attendance") }) == 10 })
    worker.terminate()
    let stopped = worker.wait()
    #expect(stopped.status == 0, "the worker never crashed: \(stopped.stderr.suffix(2000))")
    #expect(stopped.stderr.contains("\(corpus.count) dead-lettered"), "\(stopped.stderr.suffix(500))")

    // `dead-letters list` reads them all, the empty bodies included, and leaves them parked.
    let list = try ToolRun.run("att-worker", ["dead-letters", "list"], in: folder, environment: ["MQ_URL": url])
    #expect(list.status == 0, "\(list.stderr)")
    let parked = list.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    #expect(parked.count == corpus.count, "each poison message parked exactly once")
    let reasons = parked.compactMap { $0["reason"] as? String }
    for poison in corpus {
      #expect(reasons.contains { $0.contains(poison.reason) }, "a dead letter says '\(poison.reason)'")
    }
    #expect(parked.filter { ($0["body"] as? String) == "" }.count == 2, "the empty bodies are kept as they came")
    #expect(
      parked.contains { $0["body_base64"] as? String == Data([0xFF, 0xFE, 0x00, 0x41]).base64EncodedString() && $0["body"] == nil },
      "a binary body is shown as base64, byte for byte")
    #expect(
      try ToolRun.run("att-worker", ["dead-letters", "list"], in: folder, environment: ["MQ_URL": url]).lines.count
        == corpus.count, "list leaves them parked")
  }

  @Test(
    "kill -9 twice and a broker restart in the middle of 4,000 observations: every event of every commit is published (counted by event id)",
    .exclusive)
  func eventsSurviveCrashes() throws {
    let broker = try PrivateBroker(port: FreePort.pick(in: 5800...5890, alsoFree: [20000]))
    try broker.start()
    defer { try? broker.stop() }
    let url = try BrokerURL(broker.url)
    let folder = try Checkout.scratchFolder("outbox")
    try enrol(in: folder)
    // A consumer of att.events with a durable queue of its own: it keeps every event through the restart.
    let listener = try AMQPConnection(broker: url)
    try QueueTopology.declare(on: listener)
    try listener.declareQueue("test.events")
    try listener.bind(queue: "test.events", exchange: QueueTopology.events, routingKey: "")
    listener.close()

    let producer = try QueueDelivery(broker: url, spool: "\(folder)/producer-spool")
    let total = 4_000
    var observations = Set<String>()
    for i in 0..<total {
      let message = AttendanceMessage(
        personID: "P1", deviceID: "cam",
        capturedAt: CapturedTime(String(format: "2026-%02d-%02dT08:%02d:00+00:00", 1 + (i / 28) % 12, 1 + i % 28, i % 60))!)
      observations.insert(message.id.uuidString)
      _ = try producer.deliver(.attendance(message))
    }
    producer.close()
    let store = try AttendanceStore(location: DatabaseLocation(path: "\(folder)/data/attendance.db"))
    func committed() -> Int { (try? store.reader { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM observations") }) ?? 0 }
    let environment = ["MQ_URL": broker.url]

    for killAt in [300, 1_200] {
      let doomed = try ToolRun.start("att-worker", ["--batch", "10"], in: folder, environment: environment)
      #expect(eventually(120) { committed() > killAt })
      kill(doomed.pid, SIGKILL)
      _ = doomed.wait()
      #expect(committed() < total, "killed in the middle of the stream")
    }
    let last = try ToolRun.start("att-worker", ["--batch", "10"], in: folder, environment: environment)
    #expect(eventually(120) { committed() > 2_000 })
    try broker.stop()  // the broker goes away in the middle...
    try broker.start()  // ...and comes back: the worker reconnects by itself
    #expect(eventually(180) { committed() == total })
    #expect(eventually(60) { (try? store.pendingEventCount()) == 0 }, "the outbox is relayed to the end")
    last.terminate()
    let stopped = last.wait()
    #expect(stopped.status == 0, "\(stopped.stderr.suffix(2000))")
    // Why the connection went, in the broker's words (CONNECTION_FORCED … 'shutdown') when its close
    // arrived first, in the system's (connection reset by peer) when the socket went mid-publish;
    // never librabbitmq's bare "unexpected protocol state" or "a socket error occurred".
    let lost = stopped.stderr.split(separator: "\n").filter { $0.contains("connection lost: ") }
    print("the worker's log when the broker restarted: \(lost)")
    #expect(!lost.isEmpty, "\(stopped.stderr.suffix(2000))")
    #expect(
      !stopped.stderr.contains("unexpected protocol state") && !stopped.stderr.contains("a socket error occurred"),
      "\(stopped.stderr.suffix(2000))")

    var eventIDs = Set<String>()
    var seen = Set<String>()
    var deliveries = 0
    let reader = try AMQPConnection(broker: url)
    while let event = try reader.get(queue: "test.events") {
      deliveries += 1
      let object = try JSONSerialization.jsonObject(with: event.body) as? [String: Any] ?? [:]
      if let type = object["type"] as? String, type.hasPrefix("attendance_"), let id = object["event_id"] as? String {
        eventIDs.insert(id)
        if let observation = object["observation_id"] as? String { seen.insert(observation) }
      }
      try reader.ack(event.tag)
    }
    #expect(committed() == total)
    #expect(eventIDs.count == total, "one attendance event per commit, none lost (\(deliveries) deliveries in all)")
    #expect(seen == observations, "every observation's event arrived")
  }

  @Test("the spool drains by itself when the broker comes back, with no new message; a tool that exits with a backlog says so")
  func spoolDrains() throws {
    let broker = try PrivateBroker(port: FreePort.pick(in: 5900...5990, alsoFree: [20000]))
    let url = try BrokerURL(broker.url)
    let folder = try Checkout.scratchFolder("spool-drain")
    defer { try? broker.stop() }

    // A tool run while the broker is down keeps its message and says so, exiting normally.
    let rename = try ToolRun.run(
      "att-register", ["rename", "P1", "Ann B"], in: folder,
      environment: ["MQ_URL": broker.url, "ATT_SPOOL": "\(folder)/spool"])
    #expect(rename.status == 0, "\(rename.stderr)")
    #expect(rename.stderr.contains("1 message(s) not yet confirmed by the broker"), "\(rename.stderr)")
    #expect(rename.stderr.contains("\(folder)/spool/"), "the line names the spool: \(rename.stderr)")
    #expect(rename.stderr.contains("connection refused"), "the cause in the system's words: \(rename.stderr)")

    // A long-running producer (att-take, att-serve) with messages waiting: they go when the broker
    // is back, though nothing new is delivered; what the tool above left goes too.
    let producer = try QueueDelivery(broker: url, spool: "\(folder)/spool")
    producer.retryCeiling = 2
    producer.startDraining()
    defer { producer.close() }
    for day in 1...5 {
      _ = try producer.deliver(
        .attendance(
          AttendanceMessage(personID: "P1", deviceID: "gate", capturedAt: CapturedTime(String(format: "2026-10-%02dT08:00:00+01:00", day))!)))
    }
    #expect(producer.pendingCount == 6)
    try broker.start()
    #expect(eventually(60) { producer.pendingCount == 0 }, "drained without a new message")
    let reader = try AMQPConnection(broker: url)
    var queued = 0
    for queue in [QueueTopology.registerQueue, QueueTopology.attendanceQueue] {
      while let message = try reader.get(queue: queue) {
        queued += 1
        try reader.ack(message.tag)
      }
    }
    #expect(queued == 6)
  }

}
