import AttTestSupport
import AttendanceKit
import Foundation
import GRDB
import Testing

@Suite("att-worker")
struct WorkerCommandTests {
  @Test("kill -9 a worker in the middle of 2,000 observations, start another: every one is in the database exactly once")
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
    let total = 2000
    for i in 0..<total {
      let day = String(format: "2026-%02d-%02dT08:%02d:00+00:00", 1 + (i / 28) % 12, 1 + i % 28, i % 60)
      _ = try producer.deliver(.attendance(AttendanceMessage(personID: "P1", deviceID: "cam", capturedAt: day)))
    }
    let store = try AttendanceStore(location: DatabaseLocation(path: "\(folder)/data/attendance.db"))

    let first = try ToolRun.start("att-worker", ["--batch", "20"], in: folder, environment: environment)
    #expect(eventuallyTrue { (try? count(store, "observations")) ?? 0 > 200 })
    kill(first.pid, SIGKILL)
    _ = first.wait()
    let killedAt = try count(store, "observations")
    #expect(killedAt < total, "the first worker was killed mid-stream")

    let second = try ToolRun.start("att-worker", [], in: folder, environment: environment)
    #expect(eventuallyTrue(60) { (try? count(store, "observations")) ?? 0 >= total })
    Thread.sleep(forTimeInterval: 1)
    second.terminate()
    let stopped = second.wait()
    #expect(stopped.status == 0, "\(stopped.stderr)")
    #expect(try count(store, "observations") == total)
    let records = try store.reader { db in try Int.fetchOne(db, sql: "SELECT sum(1 + duplicates) FROM attendance") ?? 0 }
    #expect(records == total)
  }

  func count(_ store: AttendanceStore, _ table: String) throws -> Int {
    try store.reader { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
  }

  func eventuallyTrue(_ seconds: Double = 30, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
      if condition() { return true }
      Thread.sleep(forTimeInterval: 0.1)
    }
    return condition()
  }
}
