@testable import AttQueue
import AttTestSupport
import Foundation
import GRDB
import Testing

@testable import AttendanceKit

/// What a new site, an attacker's file and a broker that comes and goes do to the tools.
@Suite("A site's files: bombs, permissions, foreign and damaged databases, first start, the spool", .testThreads)
struct SiteSafetyTests {
  func mode(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int ?? -1) & 0o777
  }

  func sha(_ path: String) throws -> String { try Data(contentsOf: URL(fileURLWithPath: path)).sha256Hex }

  @Test(
    "att-register check refuses a TIFF, a PNG and a WebP bomb from their headers: under a second and 100 MB more than a 1x1 image"
  )
  func bombs() throws {
    let site = try Site()
    let small = "\(Checkout.shared)/bad-inputs/one_pixel_1x1.png"
    let baseline = try MeasuredRun.run("att-register", ["check", small])
    for (name, data) in [("bomb.tif", ImageBombs.tiff()), ("bomb.png", ImageBombs.png()), ("bomb.webp", ImageBombs.webp())] {
      let path = "\(site.folder)/\(name)"
      try data.write(to: URL(fileURLWithPath: path))
      let run = try MeasuredRun.run("att-register", ["check", path])
      let said = try site.register(["check", path])
      #expect(run.status == 1 && said.stdout.contains("over the limit"), "\(name): \(said.stdout) \(said.stderr)")
      #expect(run.peakMB - baseline.peakMB < 100, "\(name): peak \(run.peakMB) MB against \(baseline.peakMB) MB for 1x1")
      #expect(run.seconds - baseline.seconds < 1, "\(name): \(run.seconds) s against \(baseline.seconds) s for 1x1")
    }
    // One limit for every tool: ATT_MAX_PIXELS (or --max-pixels) lowers it for att-register too.
    let lowered = try site.register(["check", "\(Checkout.shared)/bad-inputs/huge_8000x6000.jpg", "--max-pixels", "1000000"])
    #expect(lowered.status == 1 && lowered.stdout.contains("over the limit of 1000000"), "\(lowered.stdout)")
    let byEnvironment = try site.register(
      ["check", "\(Checkout.shared)/bad-inputs/huge_8000x6000.jpg"], environment: ["ATT_MAX_PIXELS": "1000000"])
    #expect(byEnvironment.stdout.contains("over the limit of 1000000"), "\(byEnvironment.stdout)")
  }

  @Test("the database, its WAL, the media and the spool are the owner's only; a 0644 database is tightened with a notice")
  func permissions() throws {
    let site = try Site()
    let added = try site.register([
      "add", "--id", "P1", "--name", "Barack Obama", "--source", "\(Checkout.shared)/faces/people/barack_obama", "--count", "1",
    ])
    #expect(added.status == 0, "\(added.stderr)")
    let db = "\(site.folder)/data/attendance.db"
    #expect(mode(db) == 0o600)
    #expect(mode("\(site.folder)/data") == 0o700)
    #expect(mode("\(site.folder)/media") == 0o700)
    let files = FileManager.default.enumerator(atPath: "\(site.folder)/media")?.allObjects as? [String] ?? []
    #expect(!files.isEmpty)
    for file in files {
      let path = "\(site.folder)/media/\(file)"
      var isDirectory: ObjCBool = false
      FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      #expect(mode(path) == (isDirectory.boolValue ? 0o700 : 0o600), "\(file)")
    }
    // A site made before: its files are tightened on the next open, and the tool says so.
    chmod(db, 0o644)
    chmod("\(site.folder)/media", 0o755)
    let renamed = try site.register(["rename", "P1", "Barack H. Obama"])
    #expect(renamed.status == 0)
    #expect(renamed.stderr.contains("attendance.db was readable by other users"), "\(renamed.stderr)")
    #expect(renamed.stderr.contains("media was readable by other users"), "\(renamed.stderr)")
    #expect(mode(db) == 0o600 && mode("\(site.folder)/media") == 0o700)
    // The spool of a producer whose broker is away.
    let spooled = try site.register(["rename", "P1", "Y"], environment: ["MQ_URL": "amqp://guest:guest@127.0.0.1:1/"])
    #expect(spooled.status == 0)
    let spool = "\(site.folder)/data/spool"
    #expect(mode(spool) == 0o700)
    for file in try FileManager.default.contentsOfDirectory(atPath: spool) { #expect(mode("\(spool)/\(file)") == 0o600) }
  }

  @Test("another application's SQLite file and a damaged database are refused with one line and left exactly as they were")
  func foreignAndDamaged() throws {
    let site = try Site()
    let foreign = "\(site.folder)/notes.db"
    let queue = try DatabaseQueue(path: foreign)
    try queue.write { db in
      try db.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
      try db.execute(sql: "INSERT INTO notes (text) VALUES ('keep me')")
    }
    try queue.close()
    let before = try sha(foreign)
    for arguments in [["list", "--db", foreign], ["rename", "P1", "Y", "--db", foreign]] {
      let run = try site.register(arguments)
      #expect(run.status == 69, "\(arguments): \(run.stderr)")
      #expect(run.stderr.contains("not an att database"), "\(run.stderr)")
      #expect(run.stderr.split(separator: "\n").count == 1, "one line: \(run.stderr)")
    }
    #expect(try sha(foreign) == before, "not a byte changed")
    #expect(!FileManager.default.fileExists(atPath: foreign + "-wal"))

    // A real att database with a damaged schema page.
    _ = try site.register(["rename", "P1", "Y"])
    let db = "\(site.folder)/data/attendance.db"
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: db))
    try handle.seek(toOffset: 100)
    try handle.write(contentsOf: Data(repeating: 0xA5, count: 3000))
    try handle.close()
    let damaged = try sha(db)
    let list = try site.register(["list"])
    #expect(list.status == 69, "\(list.stderr)")
    #expect(list.stderr.contains("the database is damaged"), "\(list.stderr)")
    #expect(list.stderr.split(separator: "\n").count == 1, "one line, no SQL dump: \(list.stderr)")
    #expect(try sha(db) == damaged)
  }

  @Test("three tools started together on a new database, 20 times: the migrations run once, nobody fails on the schema")
  func firstStartRace() throws {
    for round in 0..<20 {
      let folder = try Checkout.scratchFolder("race-\(round)")
      let db = "\(folder)/data/attendance.db"
      let runs = [
        try ToolRun.start("att-extract", ["update", "--db", db, "--media", "\(folder)/media"], in: folder),
        try ToolRun.start("att-serve", ["token", "add", "t\(round)", "--db", db], in: folder),
        try ToolRun.start("att-register", ["rename", "nobody", "X", "--db", db, "--media", "\(folder)/media"], in: folder),
      ].map { $0.wait() }
      for run in runs {
        for phrase in ["already exists", "duplicate column", "cannot open the database", "locked"] {
          #expect(!run.stderr.contains(phrase), "round \(round): \(run.stderr)")
        }
      }
      // att-extract: 0, or 3 for nothing to do (nobody enrolled yet); the token is made.
      #expect([0, 3].contains(runs[0].status) && runs[1].status == 0, "round \(round): \(runs.map(\.stderr))")
      // Read as the tools left it (opening a store would migrate it): every migration, once each.
      let applied = try DatabaseQueue(path: db).read { db in
        try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
      }
      #expect(applied.sorted() == Schema.migrator.migrations.sorted(), "round \(round)")
    }
  }

  @Test("att-register flush sends what an exited producer left in the spool; att-worker on the host sends it too")
  func flush() throws {
    let site = try Site()
    let url = try Broker.freshVirtualHost()
    let away = "amqp://guest:guest@127.0.0.1:1/"
    for name in ["A", "B"] {
      let spooled = try site.register(["rename", "P1", name], environment: ["MQ_URL": away])
      #expect(spooled.status == 0 && spooled.stderr.contains("kept in data/spool/"), "\(spooled.stderr)")
    }
    let unreachable = try site.register(["flush", "--timeout", "0"], environment: ["MQ_URL": away])
    #expect(unreachable.status == 75 && unreachable.stdout.contains("0 message(s) sent, 2 waiting"), "\(unreachable.stdout)")
    let flushed = try site.register(["flush"], environment: ["MQ_URL": url])
    #expect(flushed.status == 0 && flushed.stdout.contains("2 message(s) sent, 0 waiting"), "\(flushed.stdout) \(flushed.stderr)")
    let connection = try AMQPConnection(broker: try BrokerURL(url))
    defer { connection.close() }
    var names: [String] = []
    while let delivery = try connection.get(queue: QueueTopology.registerQueue) {
      if case .renamePerson(let rename) = try Message.decode(delivery.body) { names.append(rename.name) }
    }
    #expect(names == ["A", "B"], "sent once each, in order")

    // Left again, then sent by att-worker running on this host with the same spool.
    _ = try site.register(["rename", "P1", "C"], environment: ["MQ_URL": away])
    let worker = try ToolRun.start("att-worker", [], in: site.folder, environment: ["MQ_URL": url])
    var drained = false
    for _ in 0..<300 where !drained {
      drained = (try? FileManager.default.contentsOfDirectory(atPath: "\(site.folder)/data/spool"))?.contains {
        $0.hasSuffix(".json")
      } == false
      if !drained { usleep(50_000) }
    }
    worker.terminate()
    _ = worker.wait()
    #expect(drained, "att-worker sent the spool's message")
  }
}
