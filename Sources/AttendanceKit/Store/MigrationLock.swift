import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Serialises schema migrations between processes. Tools started together on a new site (as
/// systemd does at first boot) would otherwise each see the schema missing and each create it;
/// SQLite's own lock is taken per migration, after the list of applied ones was read. An exclusive
/// `flock` on `DATABASE.migrate-lock` (a file of its own: a second descriptor on the database file
/// would drop SQLite's POSIX locks when closed) is held while a new or older database is opened
/// (created and switched to WAL) and migrated, and the migrator reads the applied list again inside it.
enum MigrationLock {
  static func holding<T>(_ databasePath: String, _ body: () throws -> T) throws -> T {
    let path = databasePath + ".migrate-lock"
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw StoreError.cannotOpen(databasePath, reason: "cannot create \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    while flock(fd, LOCK_EX) != 0 {
      guard errno == EINTR else {
        throw StoreError.cannotOpen(databasePath, reason: "cannot lock \(path): \(String(cString: strerror(errno)))")
      }
    }
    defer { flock(fd, LOCK_UN) }
    return try body()
  }
}
