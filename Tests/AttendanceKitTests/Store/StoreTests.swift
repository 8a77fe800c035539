import AttTestSupport
import Foundation
import GRDB
import Testing

@testable import AttendanceKit

@Suite("Configuration and the database file", .testThreads)
struct StoreTests {
  @Test(
    "DB_URL spellings",
    arguments: [
      ("sqlite:data/attendance.db", "data/attendance.db"), ("sqlite:///./data/x.db", "./data/x.db"),
      ("sqlite:////var/lib/att/a.db", "/var/lib/att/a.db"), ("/tmp/plain.db", "/tmp/plain.db"), ("rel/x.db", "rel/x.db"),
    ])
  func databaseURLs(url: String, path: String) throws {
    #expect(try DatabaseLocation(url: url).path == path)
  }

  @Test("other databases and empty URLs are refused by name")
  func badURLs() {
    #expect(throws: ConfigurationError.self) { try DatabaseLocation(url: "postgresql://db/att") }
    #expect(throws: ConfigurationError.self) { try DatabaseLocation(url: "sqlite:") }
    #expect(throws: ConfigurationError.self) { try DatabaseLocation(url: " ") }
  }

  @Test(".env supplies settings; the environment wins; a bad line is named")
  func dotEnv() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("att-\(UUID()).env").path
    try "# comment\nexport DB_URL=\"sqlite:from-dotenv.db\"\nMQ_URL=amqp://x\n".write(
      toFile: path, atomically: true, encoding: .utf8)
    #expect(try Settings(environment: [:], dotEnvPath: path)["DB_URL"] == "sqlite:from-dotenv.db")
    #expect(try Settings(environment: ["DB_URL": "sqlite:env.db"], dotEnvPath: path)["DB_URL"] == "sqlite:env.db")
    #expect(try Settings(environment: ["DB_URL": ""], dotEnvPath: path)["DB_URL"] == nil, "set but empty is not set")
    #expect(try Settings(environment: [:], dotEnvPath: path)["MQ_URL"] == "amqp://x")
    let location = try DatabaseLocation.resolve(option: nil, environment: Settings(environment: [:], dotEnvPath: path))
    #expect(location.path == "from-dotenv.db")
    try "JUSTAWORD\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: ConfigurationError.invalidLine(path, line: 1, reason: "expected KEY=VALUE")) {
      try Settings(environment: [:], dotEnvPath: path)
    }
  }

  @Test("opening creates the folder and file, in WAL mode with foreign keys, fully migrated")
  func opens() throws {
    let scratch = try Scratch()
    #expect(FileManager.default.fileExists(atPath: "\(scratch.folder)/data/attendance.db"))
    let (journal, foreignKeys) = try scratch.store.writer.read { db in
      (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
    }
    #expect(journal == "wal")
    #expect(foreignKeys == 1)
    #expect(try scratch.store.appliedMigrations() == Schema.migrator.migrations)
    // Opening again is a no-op on the schema.
    let again = try AttendanceStore(location: scratch.store.location)
    #expect(try again.appliedMigrations() == scratch.store.appliedMigrations())
  }

  @Test("a database made by the first migration is upgraded in place on open, its rows kept")
  func upgradesFromV1() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("att-v1-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = "\(folder)/old.db"
    let first = try #require(Schema.migrator.migrations.first)
    do {
      let old = try DatabaseQueue(path: path)
      try Schema.migrator.migrate(old, upTo: first)
      try old.write { db in
        try db.execute(
          sql: "INSERT INTO people (id, name, created_at, updated_at) VALUES ('21CS001', 'Asha Rao', '2026-01-01', '2026-01-01')")
        try db.execute(
          sql: """
            INSERT INTO face_samples (person_id, media_path, sha256, source, created_at)
            VALUES ('21CS001', '21CS001/abc.jpg', 'abc', 'camera:0', '2026-01-01')
            """)
      }
      #expect(try old.read { db in try Schema.migrator.appliedMigrations(db) } == [first])
    }
    let store = try AttendanceStore(location: DatabaseLocation(path: path))
    #expect(try store.appliedMigrations() == Schema.migrator.migrations)
    let row = try store.writer.read { db in
      try Row.fetchOne(
        db, sql: "SELECT p.name, s.media_path, s.file_size, s.failure FROM people p JOIN face_samples s ON s.person_id = p.id")
    }
    #expect(row?["name"] == "Asha Rao")
    #expect(row?["media_path"] == "21CS001/abc.jpg")
    #expect(row?["file_size"] == nil as Int?)
    #expect(try store.people().map(\.samples) == [1])
  }

  @Test("the teacher role's rebuild of the users table (v10) keeps the accounts and their signed-in sessions")
  func upgradesUsersKeepingSessions() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("att-v9-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = "\(folder)/old.db"
    let v9 = try #require(Schema.migrator.migrations.first { $0.hasPrefix("v9:") })
    do {
      let old = try DatabaseQueue(path: path)
      try Schema.migrator.migrate(old, upTo: v9)
      try old.write { db in
        try db.execute(sql: "INSERT INTO users (name, password_hash, role, created_at) VALUES ('ana', 'x', 'admin', '2026-01-01')")
        try db.execute(
          sql: "INSERT INTO sessions (id_sha256, user_name, created_at, expires_at) VALUES ('s', 'ana', '2026-01-01', '2099-01-01')")
      }
    }
    let store = try AttendanceStore(location: DatabaseLocation(path: path))
    #expect(try store.appliedMigrations() == Schema.migrator.migrations)
    #expect(try store.user(named: "ana")?.role == "admin")
    #expect(try store.reader { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sessions") } == 1, "still signed in")
    #expect(try store.saveUser(UserAccount(name: "tess", passwordHash: "x", role: "teacher", createdAt: Date()), replace: false, classes: ["7A"]))
    #expect(try store.userClasses(named: "tess") == ["7A"])
    #expect(try store.removeUser(named: "tess") && store.userClasses(named: "tess").isEmpty, "the classes go with the account")
  }

  @Test("a path that cannot be a database is refused, naming it")
  func cannotOpen() {
    let error = #expect(throws: StoreError.self) { try AttendanceStore(location: DatabaseLocation(path: "/proc/att/x.db")) }
    #expect(error?.description.hasPrefix("/proc/att/x.db") == true)
  }

  @Test(
    "captured times parse to the same instant as Foundation's ISO 8601 parser, with the local day as written",
    arguments: [
      "2026-11-25T23:30:00+05:30", "2026-11-25T08:00:00Z", "2024-02-29T12:00:00.250-03:00", "2000-12-31T23:59:59z",
      "2026-01-01T00:00:00+14:00", "2000-03-01T00:00:00.5+00:00",
    ])
  func capturedTimes(text: String) throws {
    let parsed = try #require(CapturedTime(text))
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
    let expected = try #require(formatter.date(from: text.uppercased()))
    #expect(abs(parsed.instant.timeIntervalSince(expected)) < 0.001)
    #expect(parsed.localDay == String(text.prefix(10)))
  }

  @Test(
    "malformed captured times are refused",
    arguments: [
      "2026-11-25T08:00:00", "2026-13-01T08:00:00Z", "2026-02-29T08:00:00Z", "2026-11-25 08:00:00Z", "2026-11-25T24:00:00Z",
      "2026-11-25T08:00:00+0530", "2026-11-25T08:00:00.Z", "", "yesterday",
    ])
  func badCapturedTimes(text: String) {
    #expect(CapturedTime(text) == nil)
  }

  @Test("SHA-256 matches the FIPS 180-4 test vectors")
  func sha256() throws {
    #expect(Data().sha256Hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(Data("abc".utf8).sha256Hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let million = Data(repeating: 0x61, count: 1_000_000)
    #expect(million.sha256Hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }
}
