import ArgumentParser
import AttendanceKit
import Foundation

/// `--db` and `--media`: for the commands that read and write the database and the face images but
/// send no message (att-extract update), so have no use for the broker.
public struct LibraryOptions: ParsableArguments {
  @Option(name: .customLong("db"), help: StoreOptions.databaseHelp)
  public var database: String?

  @Option(help: StoreOptions.mediaHelp)
  public var media: String?

  // Not offered, but accepted so that older command lines keep working (see DatabaseOptions).
  @Option(help: .hidden) var mq: String?
  @Option(help: .hidden) var mqCa: String?
  @Option(help: .hidden) var spool: String?

  public init() {}

  /// Opens (creating or upgrading) the database and names the media folder, as `StoreOptions.open` does.
  public func open() throws -> (store: AttendanceStore, media: MediaLibrary) {
    DatabaseOptions.sayIgnored([("--mq", mq), ("--mq-ca", mqCa), ("--spool", spool)])
    return try StoreOptions.open(database: database, media: media)
  }
}
