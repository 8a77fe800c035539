import AttQueue
import AttTestSupport
import AttendanceKit
import Foundation
import GRDB
import Testing

@Suite("att-worker", .testThreads)
struct WorkerCommandTests {
  @Test("kill -9 a worker in the middle of 10,000 observations, start another: every one is in the database exactly once")
  func killedWorker() throws {
    let url = try Broker.freshVirtualHost()
    let folder = try Checkout.scratchFolder("worker")
    let environment = ["MQ_URL": url]
    // One enrolled person, registered through the broker like everything else.
    let enrol = try ToolRun.run(
      "att-register",
      ["add", "--id", "P1", "--name", "Ann", "--source", "\(Checkout.shared)/faces/people/barack_obama", "--count", "1"],
      in: folder, environment: environment)
    #expect(enrol.status == 0, "\(enrol.stderr)")
    #expect(enrol.stdout.contains("queued"))

    let producer = try QueueDelivery(broker: try BrokerURL(url), spool: "\(folder)/producer-spool")
    let total = 10_000
    for i in 0..<total {
      let day = CapturedTime(String(format: "2026-%02d-%02dT08:%02d:00+00:00", 1 + (i / 28) % 12, 1 + i % 28, i % 60))!
      _ = try producer.deliver(.attendance(AttendanceMessage(personID: "P1", deviceID: "cam", capturedAt: day)))
    }
    let store = try AttendanceStore(location: DatabaseLocation(path: "\(folder)/data/attendance.db"))

    let first = try ToolRun.start("att-worker", ["--batch", "20"], in: folder, environment: environment)
    #expect(eventually { (try? count(store, "observations")) ?? 0 > 200 })
    kill(first.pid, SIGKILL)
    _ = first.wait()
    let killedAt = try count(store, "observations")
    #expect(killedAt < total, "the first worker was killed mid-stream")

    let second = try ToolRun.start("att-worker", [], in: folder, environment: environment)
    #expect(eventually(60) { (try? count(store, "observations")) ?? 0 >= total })
    second.terminate()
    let stopped = second.wait()
    #expect(stopped.status == 0, "\(stopped.stderr)")
    #expect(try count(store, "observations") == total)
    let records = try store.reader { db in try Int.fetchOne(db, sql: "SELECT sum(1 + duplicates) FROM attendance") ?? 0 }
    #expect(records == total)
  }

  @Test("poison messages from another client (Python's pika) land in the dead-letter queue with a reason")
  func poisonFromPika() throws {
    let python = "\(Checkout.root)/.venv-test/bin/python"
    try #require(FileManager.default.isExecutableFile(atPath: python), "run Scripts/setup-test-tools (make setup does)")
    let url = try Broker.freshVirtualHost()
    let folder = try Checkout.scratchFolder("pika")
    let worker = try ToolRun.start("att-worker", [], in: folder, environment: ["MQ_URL": url])
    defer {
      worker.terminate()
      _ = worker.wait()
    }
    #expect(worker.waitFor(stderr: "consuming"), "the worker declared the topology")
    let script = """
      import pika, sys
      connection = pika.BlockingConnection(pika.URLParameters(sys.argv[1]))
      channel = connection.channel()
      channel.confirm_delivery()
      persistent = pika.BasicProperties(delivery_mode=2, content_type="application/json")
      for body in [b"\\xff\\xfe not json", b'{"type":"attendance"}', b'{"type":"enrol","version":1}',
                   b'{"type":"register","version":1,"id":"5C0A1C35-4F3E-4C41-9C55-0E8C1A36A0B1","person_id":"X1","name":"X",'
                   b'"faces":[{"jpeg":"bm90IGFuIGltYWdl"}],"source":"pika","captured_at":"2026-11-25T08:00:00+00:00"}']:
          channel.basic_publish("att", "attendance" if b"register" not in body else "register", body, persistent)
      connection.close()
      """
    let publish = Process()
    publish.executableURL = URL(fileURLWithPath: python)
    publish.arguments = ["-c", script, url]
    try publish.run()
    publish.waitUntilExit()
    #expect(publish.terminationStatus == 0)
    var lines: [String] = []
    #expect(
      eventually {
        lines = (try? ToolRun.run("att-worker", ["dead-letters", "list"], in: folder, environment: ["MQ_URL": url]).lines) ?? []
        return lines.count == 4
      })
    let reasons = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
      .compactMap { $0["reason"] as? String }
    #expect(reasons.contains { $0.hasPrefix("message is not valid JSON") })
    #expect(reasons.contains { $0 == "attendance message has no 'version' field" })
    #expect(reasons.contains { $0.hasPrefix("unknown message type 'enrol'") })
    #expect(reasons.contains { $0.contains("faces[0] is not JPEG data") })
  }

  @Test("dead-letters: list shows a parked message and its reason, requeue applies it once the cause is fixed, purge empties")
  func deadLetterCommands() throws {
    let url = try Broker.freshVirtualHost()
    let folder = try Checkout.scratchFolder("dead-letters")
    let environment = ["MQ_URL": url]
    let worker = try ToolRun.start("att-worker", [], in: folder, environment: environment)
    defer {
      worker.terminate()
      _ = worker.wait()
    }
    // Attendance for someone not enrolled yet: parked, with the reason.
    let producer = try QueueDelivery(broker: try BrokerURL(url), spool: "\(folder)/producer-spool")
    _ = try producer.deliver(
      .attendance(AttendanceMessage(personID: "P7", deviceID: "gate", capturedAt: "2026-11-25T08:00:00+01:00")))
    var parked: [String] = []
    #expect(
      eventually {
        parked = (try? ToolRun.run("att-worker", ["dead-letters", "list"], in: folder, environment: environment).lines) ?? []
        return parked.count == 1
      })
    #expect(parked.first?.contains("unknown person 'P7'") == true)
    #expect(
      try ToolRun.run("att-worker", ["dead-letters", "list"], in: folder, environment: environment).lines.count == 1,
      "list leaves them parked")

    // The cause is fixed (P7 enrolled), and the operator requeues: the attendance lands once.
    let enrol = try ToolRun.run(
      "att-register",
      ["add", "--id", "P7", "--name", "Pat", "--source", "\(Checkout.shared)/faces/people/joe_biden", "--count", "1"],
      in: folder, environment: environment)
    #expect(enrol.status == 0, "\(enrol.stderr)")
    let store = try AttendanceStore(location: DatabaseLocation(path: "\(folder)/data/attendance.db"))
    #expect(eventually { (try? store.reader { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM people") }) == 1 })
    let requeue = try ToolRun.run("att-worker", ["dead-letters", "requeue"], in: folder, environment: environment)
    #expect(requeue.stdout.contains("requeued 1 message(s)"), "\(requeue.stderr)")
    #expect(eventually { (try? count(store, "attendance")) == 1 })
    #expect(try ToolRun.run("att-worker", ["dead-letters", "list"], in: folder, environment: environment).lines.isEmpty)

    // Something that can never succeed is purged.
    _ = try producer.deliver(
      .attendance(AttendanceMessage(personID: "nobody", deviceID: "gate", capturedAt: "2026-11-25T09:00:00+01:00")))
    #expect(
      eventually {
        (try? ToolRun.run("att-worker", ["dead-letters", "list"], in: folder, environment: environment).lines.count) == 1
      })
    let purge = try ToolRun.run("att-worker", ["dead-letters", "purge"], in: folder, environment: environment)
    #expect(purge.stdout.contains("purged 1 message(s)"))
    #expect(try ToolRun.run("att-worker", ["dead-letters", "list"], in: folder, environment: environment).lines.isEmpty)
    #expect(try count(store, "attendance") == 1)
  }

  func count(_ store: AttendanceStore, _ table: String) throws -> Int {
    try store.reader { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
  }

}
