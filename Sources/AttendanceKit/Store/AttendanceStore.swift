import Foundation
import GRDB

/// The SQLite database every tool shares: opened in WAL mode with foreign keys on, migrated to the
/// current schema on open.
public final class AttendanceStore: Sendable {
  public let location: DatabaseLocation
  let writer: DatabasePool

  /// Opens (creating if needed) the database at `location` and brings its schema up to date.
  /// A writer waits up to `busyTimeout` seconds for another process's write lock before failing.
  ///
  /// - A file that is another application's SQLite database is refused, never migrated into.
  /// - Migrations are serialised between processes (tools started together on a new site).
  /// - The database, its WAL and shared-memory files are made 0600 (the names of those tightened
  ///   are in `tightened`, for the tool to say so), and a new folder is made 0700.
  /// - `readOnly` opens an existing, current att database without writing anything to it.
  public init(location: DatabaseLocation, busyTimeout: Double = 10, readOnly: Bool = false) throws(StoreError) {
    self.location = location
    let path = location.path
    let folder = (path as NSString).deletingLastPathComponent
    let exists = FileManager.default.fileExists(atPath: path)
    if readOnly && !exists {
      throw .cannotOpen(path, reason: "there is no database here (a tool that records, such as att-register, creates it)")
    }
    do {
      if !folder.isEmpty && !readOnly {
        try FileManager.default.createDirectory(
          atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      }
    } catch {
      throw .cannotOpen(path, reason: "cannot create folder \(folder): \(error.localizedDescription)")
    }
    var configuration = GRDB.Configuration()
    configuration.foreignKeysEnabled = true
    configuration.readonly = readOnly
    // Several processes (att-register, att-extract, att-worker) may write: wait instead of failing.
    configuration.busyMode = .timeout(busyTimeout)
    do {
      // An existing file is looked at read-only first: opening the pool would switch it to WAL,
      // which writes to the file, and it may be someone else's or damaged.
      var state = SchemaState.empty
      if exists {
        var look = GRDB.Configuration()
        look.readonly = true
        look.busyMode = .timeout(busyTimeout)
        let queue = try DatabaseQueue(path: path, configuration: look)
        state = try queue.read { db in try Self.schemaState(db) }
        try queue.close()
      }
      if state == .foreign { throw StoreError.notAttDatabase(path) }
      // Opens the pool (on a new file: creates it and switches it to WAL) and migrates what needs it.
      let openAndMigrate = { (state: SchemaState) throws -> DatabasePool in
        let pool = try DatabasePool(path: path, configuration: configuration)
        let state = exists ? state : try pool.read { db in try Self.schemaState(db) }
        switch state {
        case .foreign, .current:
          break
        case .empty, .behind:
          if readOnly {
            throw StoreError.cannotOpen(
              path,
              reason: state == .empty
                ? "the database is empty (a tool that records, such as att-register, sets it up)"
                : "its schema is older than this version's; run a tool that writes (att-worker, att-register) once to upgrade it")
          }
          try Schema.migrator.migrate(pool)
        }
        return pool
      }
      if readOnly || state == .current {
        writer = try openAndMigrate(state)
      } else {
        // A new or older database: tools started together (systemd at first boot) take turns to
        // create it, switch it to WAL and migrate it. Without the turn, one could find the file
        // mid-creation and fail with "database is locked", which no busy timeout waits out.
        writer = try MigrationLock.holding(path) { try openAndMigrate(state) }
      }
    } catch let error as StoreError {
      throw error
    } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
      throw .corrupt(path, reason: error.message ?? "\(error.resultCode)")
    } catch let error as DatabaseError {
      throw .cannotOpen(path, reason: error.message ?? "\(error.resultCode)")
    } catch {
      throw .cannotOpen(path, reason: "\(error)")
    }
    tightened = readOnly ? [] : FilePrivacy.tighten([path, path + "-wal", path + "-shm"], mode: 0o600)
  }

  /// Paths whose permissions were tightened on open (they were readable by other users).
  public let tightened: [String]

  enum SchemaState { case empty, current, behind, foreign }

  /// Whether the database is new, an att database (current or older), or someone else's.
  static func schemaState(_ db: Database) throws -> SchemaState {
    let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    if tables.isEmpty { return .empty }
    guard tables.contains("grdb_migrations") else { return .foreign }
    let applied = try Schema.migrator.appliedIdentifiers(db)
    // Another tool is creating this database now: its list of migrations is there, its first
    // migration not yet committed. Not someone else's file: wait for it under the lock.
    if applied.isEmpty && tables.allSatisfy({ $0 == "grdb_migrations" }) { return .empty }
    guard applied.contains(Schema.first) else { return .foreign }
    return try Schema.migrator.hasCompletedMigrations(db) ? .current : .behind
  }

  /// Runs a read-only query. For the tests, which inspect the records of a real database file:
  /// the project's own code reads through the named queries of `Store/`.
  public func reader<T>(_ body: (Database) throws -> T) throws -> T {
    try writer.read(body)
  }

  /// Runs a write transaction. For the tests, which set up or damage a real database file: the
  /// project's own changes go through `MessageHandler` and `transaction(_:)`, or a named operation.
  public func write<T>(_ body: (Database) throws -> T) throws -> T {
    try writer.write(body)
  }

  /// The names of the migrations applied to this database, oldest first.
  public func appliedMigrations() throws -> [String] {
    try writer.read { db in try Schema.migrator.appliedMigrations(db) }
  }
}
