import ArgumentParser
import AttendanceKit
import Foundation

/// `--db` alone: for the commands that only read or manage the database (lists, exports, accounts,
/// tokens), which have no use for the media folder or the broker.
public struct DatabaseOptions: ParsableArguments {
  @Option(name: .customLong("db"), help: StoreOptions.databaseHelp)
  public var database: String?

  // Not offered (they do not apply here), but accepted, so that command lines written before they
  // were dropped keep working; giving one says it is ignored.
  @Option(help: .hidden) var media: String?
  @Option(help: .hidden) var mq: String?
  @Option(help: .hidden) var mqCa: String?
  @Option(help: .hidden) var spool: String?

  public init() {}

  /// Opens (creating or upgrading) the database, as `StoreOptions.open` does.
  public func open() throws -> AttendanceStore {
    Self.sayIgnored([("--media", media), ("--mq", mq), ("--mq-ca", mqCa), ("--spool", spool)])
    return try StoreOptions.openStore(try StoreOptions.location(option: database))
  }

  /// Opens an existing att database read-only, for the commands that only read (lists, exports):
  /// nothing is created, migrated or written, and another application's file is refused. Nil when
  /// there is no database yet (a list is then empty).
  public func openReadOnly() throws -> AttendanceStore? {
    Self.sayIgnored([("--media", media), ("--mq", mq), ("--mq-ca", mqCa), ("--spool", spool)])
    let location = try StoreOptions.location(option: database)
    guard FileManager.default.fileExists(atPath: location.path) else { return nil }
    return try StoreOptions.openStore(location, readOnly: true)
  }

  /// `openReadOnly`, for a command that has nothing to say without a database (an export).
  public func openExistingReadOnly() throws -> AttendanceStore {
    guard let store = try openReadOnly() else {
      throw ToolError(
        "\(try StoreOptions.location(option: database).path): there is no database here (check --db or DB_URL)",
        exitCode: .noInput)
    }
    return store
  }

  /// One line on standard error for each option given that does not apply to the command.
  static func sayIgnored(_ options: [(name: String, value: String?)]) {
    let tool = CommandLine.arguments.first.map { ($0 as NSString).lastPathComponent } ?? "att"
    for option in options where option.value != nil {
      Console.error("\(tool): \(option.name) does not apply here and is ignored")
    }
  }
}
