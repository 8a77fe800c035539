import AttTestSupport
import FaceKit
import Foundation
import GRDB
import Testing

@testable import AttQueue
@testable import AttendanceKit

/// A worker running on its own thread against a scratch store, until stopped.
final class RunningWorker: @unchecked Sendable {
  let worker: MessageWorker
  let stop = StopSignal()
  private let done = DispatchSemaphore(value: 0)

  /// `configure` runs before the worker's thread starts (the worker is not for sharing between threads).
  init(broker: BrokerURL, scratch: Scratch, configure: (MessageWorker) -> Void = { _ in }) {
    worker = MessageWorker(broker: broker, handler: scratch.handler, models: Scratch.models)
    configure(worker)
    // Its own thread drops what it captured as it ends: a Foundation Thread keeps it until the
    // Thread is freed, and the worker's database pool closed there crashed (`OwnThread`).
    OwnThread.start(name: "test worker") { [self] in
      worker.run(stop: stop)
      done.signal()
    }
  }

  private let finished = NSLock()
  private var stopped = false

  /// Stops the worker after the batch in hand and waits for it; calling it again does nothing.
  func finish() {
    stop.stop()
    finished.withLock {
      if !stopped { done.wait() }
      stopped = true
    }
  }
}

@Suite("RabbitMQ: producers, the spool, att-worker and dead letters (real broker)", .serialized, .testThreads)
struct QueueTests {
  func attendance(_ person: String, day: Int, id: UUID = UUID()) -> Message {
    .attendance(
      AttendanceMessage(
        id: id, personID: person, deviceID: "cam-1", capturedAt: "\(String(format: "2026-10-%02d", day))T08:00:00+02:00"))
  }

  @Test("register and attendance messages land in the database once; replays change nothing; events follow commits")
  func endToEnd() throws {
    let broker = try BrokerURL(try Broker.freshVirtualHost())
    let s = try Scratch()
    let events = try AMQPConnection(broker: broker)
    try QueueTopology.declare(on: events)
    let eventQueue = try events.declareQueue(nil)
    try events.bind(queue: eventQueue, exchange: QueueTopology.events, routingKey: "")

    let producer = try QueueDelivery(broker: broker, spool: "\(s.folder)/spool")
    let worker = RunningWorker(broker: broker, scratch: s)
    defer { worker.finish() }
    #expect(try producer.deliver(Scratch.registration("21CS001", "Barack Obama", photos: "barack_obama", faces: 2)) == .queued)
    #expect(try eventually { try s.count("SELECT count(*) FROM embeddings") == 2 }, "the worker computes embeddings")
    let ids = (1...20).map { _ in UUID() }
    for (day, id) in zip(1...20, ids) { _ = try producer.deliver(attendance("21CS001", day: day, id: id)) }
    for (day, id) in zip(1...20, ids) { _ = try producer.deliver(attendance("21CS001", day: day, id: id)) }  // replays
    #expect(try eventually { try s.count("SELECT count(*) FROM observations") == 20 && worker.worker.counts.duplicates == 20 })
    #expect(try s.count("SELECT count(*) FROM attendance") == 20)
    // A refusal for review travels the camera's queue too, and is logged once.
    let refusal = Message.livenessRefusal(
      LivenessRefusalMessage(
        personID: "21CS001", deviceID: "cam-1", capturedAt: "2026-10-21T08:00:00+02:00", verdict: .spoof,
        reason: "a screen's moire (52.1, over the line 40.0)", jpeg: Data([0xFF, 0xD8, 0xFF, 0xE0])))
    #expect(try producer.deliver(refusal) == .queued)
    #expect(try producer.deliver(refusal) == .queued)
    #expect(try eventually { worker.worker.counts.duplicates == 21 })
    #expect(try s.count("SELECT count(*) FROM liveness_refusals WHERE verdict = 'spoof' AND media_path IS NOT NULL") == 1)
    // An arrival's crop (att-take --snapshots) travels with it; the worker keeps it with the record.
    let crop = Data([0xFF, 0xD8, 0xFF, 0xE1, 0x42])
    let arrival = Message.attendance(
      AttendanceMessage(personID: "21CS001", deviceID: "cam-1", capturedAt: "2026-10-22T08:00:00+02:00", jpeg: crop))
    #expect(try producer.deliver(arrival) == .queued)
    #expect(try eventually { try s.count("SELECT count(*) FROM attendance WHERE media_path IS NOT NULL") == 1 })
    let kept = try s.store.reader { db in
      try String.fetchOne(db, sql: "SELECT media_path FROM attendance WHERE media_path IS NOT NULL")
    }
    #expect(FileManager.default.contents(atPath: s.media.fullPath(kept ?? "")) == crop)
    #expect(QueueDelivery.pending(in: "\(s.folder)/spool").isEmpty)

    var types: [String] = []
    while let event = try events.get(queue: eventQueue) {
      try events.ack(event.tag)
      types.append((try JSONSerialization.jsonObject(with: event.body) as? [String: Any])?["type"] as? String ?? "?")
    }
    #expect(types.filter { $0 == "attendance_recorded" }.count == 21)
    #expect(types.contains("person_registered") && types.contains("gallery_changed"))
    #expect(types.filter { $0 == "liveness_refused" }.count == 1)
  }

  @Test(
    "a queued message is parsed once (by the worker; the spool's file name carries its routing key) and validated once on each side",
    .exclusive)
  func parsedOnce() throws {
    let broker = try BrokerURL(try Broker.freshVirtualHost())
    let s = try Scratch()
    // Spooled while the broker cannot be reached: the files wait with their routing keys in their names.
    let producer = try QueueDelivery(broker: try BrokerURL("amqp://guest:guest@127.0.0.1:5999/"), spool: "\(s.folder)/spool")
    defer { producer.close() }
    _ = try s.handler.apply(Scratch.registration("21CS001", "Barack Obama", photos: "barack_obama", faces: 1))
    let (decodes, validations) = (Message.decodes.load(ordering: .relaxed), Message.validations.load(ordering: .relaxed))
    for day in 1...10 { _ = try producer.deliver(attendance("21CS001", day: day)) }
    let files = QueueDelivery.pending(in: "\(s.folder)/spool")
    #expect(files.count == 10 && files.allSatisfy { $0.hasSuffix(".attendance.json") }, "\(files)")
    #expect(Message.decodes.load(ordering: .relaxed) == decodes, "the producer parsed what it had just written")
    #expect(Message.validations.load(ordering: .relaxed) == validations + 10, "the producer checks each message once")
    let sender = try QueueDelivery(broker: broker, spool: "\(s.folder)/spool")
    defer { sender.close() }
    #expect(sender.flush() == 0)
    let worker = RunningWorker(broker: broker, scratch: s)
    defer { worker.finish() }
    #expect(try eventually { try s.count("SELECT count(*) FROM observations") == 10 })
    #expect(Message.decodes.load(ordering: .relaxed) == decodes + 10)
    #expect(Message.validations.load(ordering: .relaxed) == validations + 20)
  }

  @Test("a spool file left by an older version (no routing key in its name) is still sent under its type")
  func oldSpoolName() throws {
    let body = try attendance("21CS001", day: 1).encoded()
    #expect(QueueDelivery.routingKey(of: "00000000000000000001-42.json", body: body) == "attendance")
    #expect(QueueDelivery.routingKey(of: "00000000000000000001-42.unknown-face.json", body: body) == "unknown-face")
    #expect(QueueDelivery.routingKey(of: "00000000000000000001-42.json", body: Data("{".utf8)) == "invalid")
  }

  @Test(
    "MQ_QUEUE_TYPE=quorum: the queues are quorum queues on the project's broker, messages flow through them, and a classic declaration of them is refused with what to do"
  )
  func quorumQueues() throws {
    let url = try Broker.freshVirtualHost()
    var broker = try BrokerURL(url)
    broker.queueType = .quorum
    let s = try Scratch()
    let producer = try QueueDelivery(broker: broker, spool: "\(s.folder)/spool")
    let worker = RunningWorker(broker: broker, scratch: s)
    defer { worker.finish() }
    _ = try producer.deliver(Scratch.registration("21CS001", "Barack Obama", photos: "barack_obama", faces: 1))
    for day in 1...5 { _ = try producer.deliver(attendance("21CS001", day: day)) }
    #expect(try eventually { try s.count("SELECT count(*) FROM attendance") == 5 }, "messages go through quorum queues")

    let vhost = String(url.split(separator: "/").last!)
    let listing = try ToolRun.run("\(Checkout.root)/Scripts/broker", ["queues", vhost]).stdout
    let types = Dictionary(
      uniqueKeysWithValues: listing.split(separator: "\n").compactMap { line -> (String, String)? in
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        return fields.count >= 2 ? (String(fields[0]), String(fields[1])) : nil
      })
    for queue in [QueueTopology.registerQueue, QueueTopology.attendanceQueue, QueueTopology.deadQueue] {
      #expect(types[queue] == "quorum", "\(queue): \(listing)")
    }

    // A tool left on the default (classic) is refused, with the cause and the way out.
    let classic = try AMQPConnection(broker: try BrokerURL(url))
    defer { classic.close() }
    #expect {
      try QueueTopology.declare(on: classic)
    } throws: { error in
      let text = "\(error)"
      return text.contains("exists with another queue type than MQ_QUEUE_TYPE=classic")
        && text.contains("rabbitmqctl delete_queue")
    }
  }

  @Test("poison messages are dead-lettered with the reason and the worker goes on")
  func deadLetters() throws {
    let broker = try BrokerURL(try Broker.freshVirtualHost())
    let s = try Scratch()
    _ = try s.register("21CS001", "Barack Obama", faces: 1)
    let raw = try AMQPConnection(broker: broker)
    try QueueTopology.declare(on: raw)
    let worker = RunningWorker(broker: broker, scratch: s)
    defer { worker.finish() }
    try raw.publish(exchange: QueueTopology.exchange, routingKey: "attendance", body: Data("not json".utf8))
    try raw.publish(
      exchange: QueueTopology.exchange, routingKey: "attendance", body: Data(#"{"type":"attendance","version":9}"#.utf8))
    try raw.publish(exchange: QueueTopology.exchange, routingKey: "attendance", body: try attendance("nobody", day: 1).encoded())
    try raw.publish(exchange: QueueTopology.exchange, routingKey: "attendance", body: try attendance("21CS001", day: 2).encoded())
    #expect(try eventually { try s.count("SELECT count(*) FROM attendance") == 1 && worker.worker.counts.deadLettered == 3 })
    var reasons: [String] = []
    while let parked = try raw.get(queue: QueueTopology.deadQueue) {
      reasons.append(parked.reason ?? "")
      try raw.ack(parked.tag)
    }
    #expect(reasons.count == 3)
    #expect(reasons.contains { $0.hasPrefix("message is not valid JSON") })
    #expect(reasons.contains { $0.contains("version 9 is not supported") })
    #expect(reasons.contains { $0.contains("unknown person 'nobody'") })
  }

  @Test("with the broker down a producer spools; after a restart it sends the spool in order, and nothing is lost")
  func spool() throws {
    let url = try Broker.freshVirtualHost()
    let s = try Scratch()
    _ = try s.register("21CS001", "Barack Obama", faces: 1)
    let down = try QueueDelivery(broker: try BrokerURL("amqp://guest:guest@127.0.0.1:5999/"), spool: "\(s.folder)/spool")
    for day in 1...5 { #expect(try down.deliver(attendance("21CS001", day: day)) == .queued) }
    #expect(QueueDelivery.pending(in: "\(s.folder)/spool").count == 5)

    // The producer restarts, now with a reachable broker: the spool goes out first, in order.
    let up = try QueueDelivery(broker: try BrokerURL(url), spool: "\(s.folder)/spool")
    #expect(up.flush() == 0)
    let worker = RunningWorker(broker: try BrokerURL(url), scratch: s)
    defer { worker.finish() }
    #expect(try eventually { try s.count("SELECT count(*) FROM attendance") == 5 })
    let days = try s.store.writer.read { db in try String.fetchAll(db, sql: "SELECT local_day FROM attendance ORDER BY id") }
    #expect(days == (1...5).map { String(format: "2026-10-%02d", $0) })
  }

  @Test("the broker restarts while a producer publishes and a worker consumes: nothing lost, nothing counted twice")
  func brokerRestart() throws {
    let broker = try PrivateBroker(port: FreePort.pick(in: 5700...5790, alsoFree: [20000]))  // its own port
    try broker.start()
    defer { try? broker.stop() }
    let url = try BrokerURL(broker.url)
    let s = try Scratch()
    _ = try s.register("21CS001", "Barack Obama", faces: 1)
    let producer = try QueueDelivery(broker: url, spool: "\(s.folder)/spool")
    let worker = RunningWorker(broker: url, scratch: s)
    defer { worker.finish() }
    let total = 300
    for i in 0..<total {
      let day = CapturedTime(String(format: "2026-%02d-%02dT08:00:00+00:00", 1 + i / 28 % 12, 1 + i % 28))!
      _ = try producer.deliver(.attendance(AttendanceMessage(personID: "21CS001", deviceID: "cam", capturedAt: day)))
      if i == 100 { try broker.stop() }  // the broker goes away mid-stream...
      if i == 200 { try broker.start() }  // ...and comes back (durable queues, persistent messages)
    }
    #expect(eventually(60) { producer.flush() == 0 })
    #expect(try eventually(60) { try s.count("SELECT count(*) FROM observations") == total })
    worker.finish()  // the batch in hand is finished: nothing more can arrive after this
    #expect(try s.count("SELECT count(*) FROM observations") == total)
    #expect(try s.count("SELECT sum(1 + duplicates) FROM attendance") == total)
  }

  @Test("amqps: producer and worker over TLS verified against the broker's CA; a wrong CA or an IP address is refused clearly")
  func tls() throws {
    let port = FreePort.pick(in: 5700...5790, alsoFree: [20000, 100])
    let broker = try PrivateBroker(port: port, tlsPort: port + 100)
    try broker.start()
    defer { try? broker.stop() }
    let url = try BrokerURL(broker.tlsURL, caFile: broker.caFile)
    let s = try Scratch()
    let producer = try QueueDelivery(broker: url, spool: "\(s.folder)/spool")
    let worker = RunningWorker(broker: url, scratch: s)
    defer { worker.finish() }
    #expect(try producer.deliver(Scratch.registration("21CS001", "Barack Obama", photos: "barack_obama", faces: 1)) == .queued)
    #expect(try producer.deliver(attendance("21CS001", day: 2)) == .queued)
    #expect(try eventually { try s.count("SELECT count(*) FROM attendance") == 1 })
    #expect(try s.count("SELECT count(*) FROM face_samples WHERE person_id = '21CS001'") == 1)

    // The system's CA bundle did not sign the test broker's certificate.
    let wrongCA = try BrokerURL(broker.tlsURL, caFile: "/etc/ssl/certs/ca-certificates.crt")
    #expect {
      try AMQPConnection(broker: wrongCA)
    } throws: { error in
      "\(error)".contains("not signed by the CA in /etc/ssl/certs/ca-certificates.crt")
    }
    // librabbitmq 0.11 checks DNS names only: an IP address fails with advice to use the name.
    let byAddress = try BrokerURL("amqps://guest:guest@127.0.0.1:\(port + 100)/", caFile: broker.caFile)
    #expect {
      try AMQPConnection(broker: byAddress)
    } throws: { error in
      "\(error)".contains("hostname verification failed") && "\(error)".contains("use the host name")
    }
  }

  @Test("a locked database is a transient failure: retried with back-off, never acked or dropped, applied once")
  func lockedDatabase() throws {
    let broker = try BrokerURL(try Broker.freshVirtualHost())
    let s = try Scratch(busyTimeout: 0.2)
    _ = try s.register("21CS001", "Barack Obama", faces: 1)
    // Another process's write transaction holds the lock until the worker has failed twice.
    let other = try DatabaseQueue(path: "\(s.folder)/data/attendance.db")
    let locked = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    let released = DispatchSemaphore(value: 0)
    OwnThread.start {
      try? other.writeWithoutTransaction { db in
        try db.execute(sql: "BEGIN IMMEDIATE")
        locked.signal()
        release.wait()
        try db.execute(sql: "COMMIT")
      }
      released.signal()
    }
    locked.wait()
    // One poison message rides in the batch that keeps failing: it must be dead-lettered once, not
    // once per retry.
    let raw = try AMQPConnection(broker: broker)
    try QueueTopology.declare(on: raw)
    try raw.publish(exchange: QueueTopology.exchange, routingKey: "attendance", body: Data("not json".utf8))
    let producer = try QueueDelivery(broker: broker, spool: "\(s.folder)/spool")
    for day in 1...20 { _ = try producer.deliver(attendance("21CS001", day: day)) }
    let retries = DispatchSemaphore(value: 0)
    let worker = RunningWorker(broker: broker, scratch: s) {
      $0.retryDelay = 0.2
      $0.log = LineLog.logger { line in if line.hasSuffix("will retry") { retries.signal() } }
    }
    defer { worker.finish() }
    #expect(retries.wait(timeout: .now() + 60) == .success && retries.wait(timeout: .now() + 60) == .success)
    #expect(try s.count("SELECT count(*) FROM observations") == 0, "nothing commits while the lock is held")
    release.signal()
    released.wait()
    #expect(try eventually { try s.count("SELECT count(*) FROM observations") == 20 })
    worker.finish()
    #expect(worker.worker.counts.retried >= 2)
    #expect(worker.worker.counts.applied == 20 && worker.worker.counts.deadLettered == 1)
    #expect(try s.count("SELECT count(*) FROM attendance") == 20)
    var parked = 0
    while let delivery = try raw.get(queue: QueueTopology.deadQueue) {
      parked += 1
      #expect(delivery.reason?.hasPrefix("message is not valid JSON") == true)
      try raw.ack(delivery.tag)
    }
    #expect(parked == 1, "the poison message is parked exactly once")
  }

  @Test(
    "a full disk is a transient failure: the worker retries until space is freed, then applies everything once",
    .enabled(if: TinyDisk.permitted, "needs root to mount a small tmpfs"))
  func fullDisk() throws {
    let broker = try BrokerURL(try Broker.freshVirtualHost())
    let disk = try TinyDisk(megabytes: 4)
    defer { disk.unmount() }
    let s = try Scratch(folder: disk.path)
    _ = try s.register("21CS001", "Barack Obama", faces: 1)
    let producer = try QueueDelivery(broker: broker, spool: try Checkout.scratchFolder("full-disk-spool") + "/spool")
    try disk.fill()
    _ = try producer.deliver(Scratch.registration("21CS002", "Joe Biden", photos: "joe_biden", faces: 2))
    for day in 1...200 { _ = try producer.deliver(attendance("21CS001", day: 1 + day % 28, id: UUID())) }
    // Two failed attempts, each said on the worker's log (a write on a full disk may first wait out
    // the store's busy timeout, so no fixed time is assumed).
    let retries = DispatchSemaphore(value: 0)
    let worker = RunningWorker(broker: broker, scratch: s) {
      $0.retryDelay = 0.2
      $0.log = LineLog.logger { line in if line.hasSuffix("will retry") { retries.signal() } }
    }
    #expect(retries.wait(timeout: .now() + 60) == .success && retries.wait(timeout: .now() + 60) == .success)
    #expect(try s.count("SELECT count(*) FROM people WHERE id = '21CS002'") == 0)
    try disk.free()
    #expect(try eventually { try s.count("SELECT count(*) FROM observations") == 200 })
    worker.finish()
    #expect(try s.count("SELECT count(*) FROM face_samples WHERE person_id = '21CS002'") == 2)
    #expect(try s.count("SELECT sum(1 + duplicates) FROM attendance") == 200)
    #expect(worker.worker.counts.deadLettered == 0, "a full disk never sends a message to the dead letters")
  }

  @Test("att-take's event subscription reports a gallery change committed by a worker, and nothing otherwise")
  func galleryEvents() throws {
    let broker = try BrokerURL(try Broker.freshVirtualHost())
    let events = GalleryEvents(broker: broker)
    #expect(!events.galleryChanged(), "subscribing; nothing has happened yet")
    let publisher = try AMQPConnection(broker: broker)
    try publisher.publish(
      exchange: QueueTopology.events, routingKey: "",
      body: StoreEvent.attendanceRecorded(
        personID: "P", classID: nil, localDay: "2026-11-25", observationID: UUID()
      ).json)
    Thread.sleep(forTimeInterval: 0.5)  // the attendance event has arrived by now, and does not count
    #expect(!events.galleryChanged())
    try publisher.publish(exchange: QueueTopology.events, routingKey: "", body: StoreEvent.galleryChanged.json)
    #expect(eventually(5) { events.galleryChanged() })
  }

  @Test("MQ_URL spellings: amqp with a vhost, defaults, amqps without a CA file refused, password hidden")
  func brokerURLs() throws {
    let url = try BrokerURL("amqp://att:s%40cret@mq.example:5673/school%2Fa")
    #expect(url.host == "mq.example" && url.port == 5673 && url.user == "att" && url.password == "s@cret")
    #expect(url.virtualHost == "school/a")
    #expect(url.description == "amqp://att:***@mq.example:5673/school/a")
    #expect(try BrokerURL("amqp://127.0.0.1").virtualHost == "/")
    #expect(throws: QueueError.self) { try BrokerURL("amqps://u:p@h/") }
    #expect(try BrokerURL("amqps://u:p@h/", caFile: "ca.pem").port == 5671)
    #expect(throws: QueueError.self) { try BrokerURL("http://h/") }
  }
}
