import Foundation
import GRDB

/// The SQLite database every tool shares: opened in WAL mode with foreign keys on, migrated to the
/// current schema on open.
public final class AttendanceStore: Sendable {
  public let location: DatabaseLocation
  let writer: DatabasePool

  /// Opens (creating if needed) the database at `location` and brings its schema up to date.
  /// A writer waits up to `busyTimeout` seconds for another process's write lock before failing.
  public init(location: DatabaseLocation, busyTimeout: Double = 10) throws(StoreError) {
    self.location = location
    let folder = (location.path as NSString).deletingLastPathComponent
    do {
      if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    } catch {
      throw .cannotOpen(location.path, reason: "cannot create folder \(folder): \(error.localizedDescription)")
    }
    var configuration = GRDB.Configuration()
    configuration.foreignKeysEnabled = true
    // Several processes (att-register, att-extract, att-worker) may write: wait instead of failing.
    configuration.busyMode = .timeout(busyTimeout)
    do {
      writer = try DatabasePool(path: location.path, configuration: configuration)
      try Schema.migrator.migrate(writer)
    } catch {
      throw .cannotOpen(location.path, reason: "\(error)")
    }
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
