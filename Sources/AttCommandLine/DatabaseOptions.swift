import ArgumentParser
import AttendanceKit

/// `--db` alone: for the commands that only read or manage the database (lists, exports, accounts,
/// tokens), which have no use for the media folder or the broker.
public struct DatabaseOptions: ParsableArguments {
  @Option(
    name: .customLong("db"),
    help: ArgumentHelp(
      "The SQLite database: sqlite:PATH or a plain path (default: $DB_URL, else sqlite:data/attendance.db).",
      valueName: "url"))
  public var database: String?

  public init() {}

  /// Opens (creating or upgrading) the database, as `StoreOptions.open` does.
  public func open() throws -> AttendanceStore {
    try StoreOptions.openStore(try StoreOptions.location(option: database))
  }
}
