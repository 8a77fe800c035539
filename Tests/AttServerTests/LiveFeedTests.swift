import AttFeedProbe
import AttQueue
import AttTestSupport
import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOSSL
import Testing

@testable import AttServer

/// One item of a feed message, as far as the tests look: each record of an attendance message, or
/// the message itself for other types.
struct FeedItem: Sendable {
  let type: String
  let personID: String?
  let name: String?

  static func items(_ text: String) -> [FeedItem] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
      let type = object["type"] as? String
    else { return [] }
    guard let records = object["records"] as? [[String: Any]] else { return [FeedItem(type: type, personID: nil, name: nil)] }
    return records.map { FeedItem(type: type, personID: $0["person_id"] as? String, name: $0["name"] as? String) }
  }
}

/// Collects a WebSocket's messages; waits for one with a deadline.
actor Inbox {
  private var items: [FeedItem] = []
  func add(_ text: String) { items += FeedItem.items(text) }

  func wait(_ seconds: Double, _ match: @Sendable (FeedItem) -> Bool) async -> FeedItem? {
    let deadline = Deadline(seconds: seconds)
    while !deadline.hasPassed {
      if let found = items.first(where: match) { return found }
      try? await Task.sleep(for: .milliseconds(20))
    }
    return nil
  }
}

func isAttendance(of person: String) -> @Sendable (FeedItem) -> Bool {
  { $0.type == "attendance" && $0.personID == person }
}

let quiet = Logger(label: "test-client")

/// A worker handed to the thread that runs it (and only that thread touches it).
final class WorkerThread: @unchecked Sendable {
  let worker: MessageWorker
  init(_ worker: MessageWorker) { self.worker = worker }
}

@Suite("att-serve live feed over a real WebSocket", .serialized, .testThreads)
struct LiveFeedTests {
  @Test("direct mode: a record committed while the client listens appears on the socket; ?after= catches up on what was missed")
  func directMode() async throws {
    let f = try Fixture(label: "live-direct")
    try f.attend("21CS001", "2026-11-25T08:50:00+01:00")
    let app = try buildApplication(f.settings())
    try await app.test(.live) { client in
      let inbox = Inbox()
      let configuration = WebSocketClientConfiguration(additionalHeaders: .bearer(f.viewerToken))
      try await WebSocketClient.connect(
        url: "ws://127.0.0.1:\(client.port!)/ws?after=0", configuration: configuration, logger: quiet
      ) {
        inbound, outbound, _ in
        let reader = Task {
          for try await message in inbound.messages(maxSize: 1 << 20) {
            if case .text(let text) = message { await inbox.add(text) }
          }
        }
        // Caught up: the record committed before the client connected comes first.
        #expect(await inbox.wait(10, isAttendance(of: "21CS001")) != nil)
        #expect(await inbox.wait(10) { $0.type == "hello" } != nil)
        try f.attend("21CS002", "2026-11-25T09:01:00+01:00")
        let live = await inbox.wait(5, isAttendance(of: "21CS002"))
        #expect(live != nil)
        #expect(live?.name == Fixture.hostileName)
        reader.cancel()
        try await outbound.close(.normalClosure, reason: nil)
      }
      // Without a session or token there is no upgrade.
      await #expect(throws: (any Error).self) {
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(client.port!)/ws", logger: quiet) { _, _, _ in }
      }
    }
  }

  @Test("queue mode: a worker's commit reaches the socket through att.events (the database poll is turned off)")
  func queueMode() async throws {
    let url = try BrokerURL(try Broker.freshVirtualHost())
    let f = try Fixture(label: "live-queue")
    var settings = f.settings()
    settings.broker = url
    settings.pollInterval = 3600  // only the broker's events can wake the feed in this test
    let worker = WorkerThread(MessageWorker(broker: url, handler: f.handler, models: nil))
    let stop = StopSignal()
    OwnThread.start { worker.worker.run(stop: stop) }
    defer { stop.stop() }
    let app = try buildApplication(settings)
    try await app.test(.live) { client in
      // /healthz says when the event subscription is up.
      var healthy = false
      for _ in 0..<100 where !healthy {
        healthy = try await client.execute(uri: "/healthz", method: .get) { $0.status == .ok }
        if !healthy { try await Task.sleep(for: .milliseconds(100)) }
      }
      #expect(healthy, "the broker subscription connected")
      let inbox = Inbox()
      try await WebSocketClient.connect(
        url: "ws://127.0.0.1:\(client.port!)/ws", configuration: .init(additionalHeaders: .bearer(f.viewerToken)), logger: quiet
      ) { inbound, outbound, _ in
        let reader = Task {
          for try await message in inbound.messages(maxSize: 1 << 20) {
            if case .text(let text) = message { await inbox.add(text) }
          }
        }
        #expect(await inbox.wait(10) { $0.type == "hello" } != nil)
        let producer = try QueueDelivery(broker: url, spool: try Checkout.scratchFolder("live-spool"))
        _ = try producer.deliver(
          .attendance(
            AttendanceMessage(personID: "21EE001", deviceID: "gate", classID: "EE", capturedAt: "2026-11-25T08:30:00+01:00")))
        #expect(await inbox.wait(10, isAttendance(of: "21EE001")) != nil)
        // With the poll at an hour, only att.events can have woken the feed; the latency is measured by make bench.
        reader.cancel()
        try await outbound.close(.normalClosure, reason: nil)
      }
      try await client.execute(uri: "/metrics", method: .get, headers: .bearer(f.viewerToken)) {
        let text = String(buffer: $0.body)
        #expect(text.contains("att_broker_connected 1.0"))
        #expect(text.contains("att_events_pushed_total 1"))
      }
    }
  }

  @Test("a client that stops reading is let go once its backlog passes the bound; a client that reads gets every record")
  func stalledClient() async throws {
    let f = try Fixture(label: "live-stalled", seeded: false)
    let people = 2000
    // Long names make the records about 10 MB: more than the kernel can hold for the stalled socket
    // (its send buffer grows to 4 MB at most, tcp_wmem) and the 1 MB bound together. They come in ten
    // commits, each waited for by the reader, so that a client that reads is never 1 MB behind.
    let filler = String(repeating: "x", count: 5000)
    try f.store.write { db in
      for i in 0..<people {
        try db.execute(
          sql: "INSERT INTO people (id, name, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)",
          arguments: ["P\(i)", "Pupil \(i) \(filler)", "2026-09-01 07:00:00.000", "2026-09-01 07:00:00.000"])
      }
    }
    var settings = f.settings()
    settings.feedBacklog = 1 << 20
    let app = try buildApplication(settings)
    try await app.test(.live) { client in
      let stalled = try await StalledSocket.open(port: client.port!, token: f.viewerToken)
      defer { stalled.close() }
      let reader = FeedClients(
        url: "ws://127.0.0.1:\(client.port!)/ws", token: f.viewerToken, clients: 1, day: "2026-11-26", events: people,
        logger: quiet)
      defer { reader.cancel() }
      #expect(await reader.waitReady(within: 30), "\(reader.failures)")
      for batch in stride(from: 0, to: people, by: people / 10) {
        try f.store.write { db in
          for i in batch..<batch + people / 10 {
            try db.execute(
              sql: """
                INSERT INTO attendance (observation_id, person_id, captured_at, local_day, recorded_at, direction)
                VALUES (?, ?, '2026-11-26T08:00:00+01:00', '2026-11-26', ?, 'in')
                """, arguments: [UUID().uuidString, "P\(i)", "2026-11-26 07:00:00.000"])
          }
        }
        #expect(await reader.waitReceived(batch + people / 10, within: 30), "\(reader.received) received")
      }
      #expect(await reader.waitEnded(within: 60))
      #expect(reader.complete == 1, "the reading client got all \(people) records")
      var metrics = ""
      for _ in 0..<100 where !metrics.contains("att_feed_clients_dropped_total 1") {
        metrics = try await client.execute(uri: "/metrics", method: .get, headers: .bearer(f.viewerToken)) {
          String(buffer: $0.body)
        }
        if !metrics.contains("att_feed_clients_dropped_total 1") { try await Task.sleep(for: .milliseconds(100)) }
      }
      #expect(metrics.contains("att_feed_clients_dropped_total 1"), "the stalled client was let go")
    }
  }
}

/// A WebSocket client that upgrades and then never reads, with a small receive buffer: a dashboard
/// on a stalled network. Its blocking socket calls run on a thread of their own.
final class StalledSocket: Sendable {
  let descriptor: Int32

  private init(descriptor: Int32) { self.descriptor = descriptor }

  static func open(port: Int, token: String) async throws -> StalledSocket {
    try await withCheckedThrowingContinuation { continuation in
      Thread {
        continuation.resume(with: Result { try StalledSocket(upgradingOn: port, token: token) })
      }.start()
    }
  }

  private convenience init(upgradingOn port: Int, token: String) throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Fixture.FixtureError("socket: errno \(errno)") }
    self.init(descriptor: fd)
    var size: Int32 = 4096
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw Fixture.FixtureError("connect: errno \(errno)") }
    let request = Array(
      ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + "Authorization: Bearer \(token)\r\n\r\n").utf8)
    guard send(fd, request, request.count, 0) == request.count else { throw Fixture.FixtureError("send: errno \(errno)") }
    // The response head, a byte at a time so that nothing after it is read.
    var head: [UInt8] = []
    var byte: UInt8 = 0
    while !head.ends(with: Array("\r\n\r\n".utf8)) {
      guard recv(fd, &byte, 1, 0) == 1 else { throw Fixture.FixtureError("recv: the server closed before its answer") }
      head.append(byte)
    }
    let status = String(decoding: head, as: UTF8.self)
    guard status.hasPrefix("HTTP/1.1 101") else { throw Fixture.FixtureError("no upgrade: \(status)") }
  }

  func close() { _ = Glibc.close(descriptor) }
}

extension Array where Element: Equatable {
  fileprivate func ends(with suffix: [Element]) -> Bool {
    count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
  }
}

@Suite("att-serve over TLS", .testThreads)
struct TLSTests {
  @Test("--tls-cert/--tls-key: the live feed over wss:// with a certificate checked against its CA")
  func wss() async throws {
    let f = try Fixture(label: "tls")
    let dir = try Checkout.scratchFolder("serve-tls")
    let make = """
      openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=att test CA' -keyout ca.key -out ca.pem &&
      openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout server.key -out server.csr &&
      printf 'subjectAltName=DNS:localhost\\n' > ext.cnf &&
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf -out server.pem
      """
    #expect(
      try runAndWait(
        "/bin/sh", ["-c", "cd '\(dir)' && { \(make); } 2>/dev/null"], environment: ProcessInfo.processInfo.environment) == 0)
    var settings = f.settings()
    settings.tlsCertificate = "\(dir)/server.pem"
    settings.tlsKey = "\(dir)/server.key"
    try f.attend("21CS001", "2026-11-25T08:50:00+01:00")
    let app = try buildApplication(settings)
    try await app.test(.live) { client in
      var tls = TLSConfiguration.makeClientConfiguration()
      tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile("\(dir)/ca.pem"))
      let inbox = Inbox()
      try await WebSocketClient.connect(
        url: "wss://localhost:\(client.port!)/ws?after=0", configuration: .init(additionalHeaders: .bearer(f.viewerToken)),
        tlsConfiguration: tls, logger: quiet
      ) { inbound, outbound, _ in
        let reader = Task {
          for try await message in inbound.messages(maxSize: 1 << 20) {
            if case .text(let text) = message { await inbox.add(text) }
          }
        }
        #expect(await inbox.wait(10, isAttendance(of: "21CS001")) != nil)
        reader.cancel()
        try await outbound.close(.normalClosure, reason: nil)
      }
      // Under TLS every answer asks browsers to keep to HTTPS (HSTS).
      let curl = try ToolRun.start(
        "/usr/bin/curl",
        ["-s", "-D", "-", "-o", "/dev/null", "--cacert", "\(dir)/ca.pem", "https://localhost:\(client.port!)/healthz"]
      ).wait()
      #expect(curl.stdout.lowercased().contains("strict-transport-security: max-age=31536000"), "\(curl.stdout)")
      // A client that does not trust the CA is refused by its own TLS check.
      await #expect(throws: (any Error).self) {
        try await WebSocketClient.connect(
          url: "wss://localhost:\(client.port!)/ws", configuration: .init(additionalHeaders: .bearer(f.viewerToken)),
          tlsConfiguration: .makeClientConfiguration(), logger: quiet
        ) { _, _, _ in }
      }
    }
  }

  @Test("serve-bench's clients: 10 dashboards each get the hello (read as JSON) and every record of a burst, once")
  func benchClients() async throws {
    let f = try Fixture(label: "live-bench")
    let app = try buildApplication(f.settings())
    try await app.test(.live) { client in
      let feed = FeedClients(
        url: "ws://127.0.0.1:\(client.port!)/ws", token: f.viewerToken, clients: 10, day: "2026-11-26", events: 3, logger: quiet)
      defer { feed.cancel() }
      #expect(await feed.waitReady(within: 60), "\(feed.ready) of 10 ready; \(feed.failures)")
      var sent: [String: Double] = [:]
      for person in ["21CS001", "21CS002", "21EE001"] {
        try f.attend(person, "2026-11-26T08:10:00+01:00", classID: nil)
        sent[person] = feed.seconds()
      }
      #expect(await feed.waitEnded(within: 60), "\(feed.ended) of 10 ended; \(feed.failures)")
      #expect(feed.complete == 10)
      let latencies = feed.latencies(sent: sent)
      #expect(latencies.count == 30, "every record to every client, once")
      #expect(latencies.allSatisfy { $0.isFinite && $0 > -1000 })
    }
    // The hello is found by its type wherever the key falls, and a record is not a hello.
    #expect(FeedClients.isHello(#"{"last_id":12,"type":"hello"}"#))
    #expect(!FeedClients.isHello(#"{"records":[{"person_id":"hello"}],"type":"attendance"}"#))
    #expect(FeedClients.personIDs(in: #"{"records":[{"person_id":"A1"},{"person_id":"B2"}]}"#) == ["A1", "B2"])
    let message = #"{"records":[{"day":"2030-01-02","person_id":"A1"},{"day":"2030-01-02","person_id":"Zoë 2"}]}"#
    #expect(FeedClients.personIDs(in: message, day: "2030-01-02") == ["A1", "Zoë 2"])
    #expect(FeedClients.personIDs(in: message, day: "2030-01-03").isEmpty)
    #expect(FeedClients.personIDs(in: #"{"person_id":"cut"#).isEmpty)
  }
}
