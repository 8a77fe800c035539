import AttTestSupport
import AttendanceKit
import Foundation
import Testing

@Suite("att-extract update and export", .testThreads)
struct UpdateCommandTests {
  /// A site with two people registered but no embeddings yet (att-register --no-extract).
  func site() throws -> String {
    let folder = try Checkout.scratchFolder("extract")
    for (id, person) in [("21CS001", "barack_obama"), ("21CS002", "joe_biden")] {
      let result = try ToolRun.run(
        "att-register",
        [
          "add", "--id", id, "--name", person, "--source", "\(Checkout.shared)/faces/people/\(person)", "--count", "2",
          "--no-extract",
        ],
        in: folder)
      #expect(result.status == 0, "\(result.stderr)")
    }
    return folder
  }

  @Test("exit 0 after computing, 3 when there is nothing to do, 1 when a file fails; quiet without a terminal")
  func exitStatuses() throws {
    let folder = try site()
    let first = try ToolRun.run("att-extract", [], in: folder)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.isEmpty && first.stderr.isEmpty, "quiet under cron")

    let second = try ToolRun.run("att-extract", ["--json"], in: folder)
    #expect(second.status == 3)
    let summary = try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any]
    #expect(summary?["samples"] as? Int == 4 && summary?["unchanged"] as? Int == 4 && summary?["computed"] as? Int == 0)

    try FileManager.default.copyItem(
      atPath: "\(Checkout.shared)/bad-inputs/truncated_half.jpg", toPath: "\(folder)/media/21CS001/broken.jpg")
    let third = try ToolRun.run("att-extract", [], in: folder)
    #expect(third.status == 1)
    #expect(third.stderr.contains("media/21CS001/broken.jpg: truncated JPEG"))
    #expect(try ToolRun.run("att-extract", [], in: folder).status == 3, "a known failure is not retried")
  }

  @Test("a second run exits 75 while the lock is held, and waits for it with --wait")
  func lock() throws {
    let folder = try site()
    let lock = try #require(try ProcessLock(path: "\(folder)/data/attendance.db.extract.lock", wait: false))
    let busy = try ToolRun.run("att-extract", [], in: folder)
    #expect(busy.status == 75)
    #expect(busy.stderr.contains("another att-extract is running"))
    let waiting = try ToolRun.start("att-extract", ["--wait"], in: folder)
    Thread.sleep(forTimeInterval: 0.5)
    lock.release()
    #expect(waiting.wait().status == 0)
  }

  @Test("concurrent runs with --wait leave one embedding per sample")
  func concurrentRuns() throws {
    let folder = try site()
    let runs = try (0..<3).map { _ in try ToolRun.start("att-extract", ["--wait"], in: folder) }
    let statuses = runs.map { $0.wait().status }.sorted()
    #expect(statuses == [0, 3, 3])
    let store = try AttendanceStore(location: DatabaseLocation(path: "\(folder)/data/attendance.db"))
    #expect(try store.people().map(\.embeddings) == [2, 2])
  }

  @Test("export writes the seed's features_all.csv")
  func export() throws {
    let folder = try site()
    #expect(try ToolRun.run("att-extract", [], in: folder).status == 0)
    let result = try ToolRun.run("att-extract", ["export", "--csv", "features_all.csv"], in: folder)
    #expect(result.status == 0)
    let text = try String(contentsOfFile: "\(folder)/features_all.csv", encoding: .utf8)
    let lines = text.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines[0].hasPrefix("Roll_No,Name,feature_0,feature_1,"))
    #expect(lines[1].hasPrefix("21CS001,barack_obama,") && lines[1].split(separator: ",").count == 130)
  }
}
