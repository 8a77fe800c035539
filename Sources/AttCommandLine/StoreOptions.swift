import ArgumentParser
import AttendanceKit
import Foundation
import Synchronization

/// `--db` and `--media`: where the database and the face images are. Shared by every tool.
public struct StoreOptions: ParsableArguments {
  /// `--db`'s help, shared with `DatabaseOptions`.
  static let databaseHelp = ArgumentHelp(
    "The SQLite database: sqlite:PATH or a plain path (default: $DB_URL, else sqlite:data/attendance.db).", valueName: "url")

  @Option(name: .customLong("db"), help: databaseHelp)
  public var database: String?

  /// `--media`'s help, shared with `LibraryOptions`.
  static let mediaHelp = ArgumentHelp("Folder of enrolled face images (default: $MEDIA_DIR, else ./media).", valueName: "dir")

  @Option(help: mediaHelp)
  public var media: String?

  @Option(
    help: ArgumentHelp(
      "The RabbitMQ broker, amqp://user:pass@host:5672/vhost or amqps://... (default: $MQ_URL; unset: direct mode).",
      valueName: "url"))
  public var mq: String?

  @Option(help: ArgumentHelp("CA certificate for amqps:// (default: $MQ_CA_FILE).", valueName: "file"))
  public var mqCa: String?

  @Option(
    help: ArgumentHelp(
      "Where queue mode keeps messages until the broker confirms them (default: $ATT_SPOOL, else spool/ beside the database).",
      valueName: "dir"))
  public var spool: String?

  public init() {}

  /// The settings from the environment and `.env`.
  public func settings() throws -> Settings { try Self.settings() }

  /// Read once per process (the environment and the working directory do not change while a tool
  /// runs); a `.env` that cannot be used is an error each time it is asked for.
  public static func settings() throws -> Settings {
    if let read = readSettings.withLock({ $0 }) { return read }
    do {
      let read = try Settings()
      readSettings.withLock { $0 = read }
      return read
    } catch {
      throw ToolError(error.description, exitCode: .configuration)
    }
  }

  private static let readSettings = Mutex<Settings?>(nil)

  /// Where the database is (or would be), without opening it.
  public func location() throws -> DatabaseLocation { try Self.location(option: database) }

  /// Where the database named by `option` (--db), else by the settings, is.
  static func location(option: String?) throws -> DatabaseLocation {
    do {
      return try DatabaseLocation.resolve(option: option, environment: try settings())
    } catch let error as ToolError {
      throw error
    } catch {
      throw ToolError("\(error)", exitCode: .configuration)
    }
  }

  /// Opens (creating or upgrading) the database at `location`.
  static func openStore(_ location: DatabaseLocation, readOnly: Bool = false) throws -> AttendanceStore {
    let store: AttendanceStore
    do {
      store = try AttendanceStore(location: location, readOnly: readOnly)
    } catch {
      throw ToolError(error.description, exitCode: .unavailable)
    }
    sayTightened(store.tightened)
    return store
  }

  /// One notice per file or folder whose permissions were tightened (it was readable by others).
  public static func sayTightened(_ paths: [String]) {
    let tool = CommandLine.arguments.first.map { ($0 as NSString).lastPathComponent } ?? "att"
    for path in paths {
      Console.error("\(tool): \(path) was readable by other users; now only its owner may read it")
    }
  }

  /// The folder of this host's local state: the database's folder (data/ by default), which also
  /// holds the spool and a camera host's gallery cache when there is no database.
  public func stateFolder() throws -> String {
    let folder = (try location().path as NSString).deletingLastPathComponent
    return folder.isEmpty ? "." : folder
  }

  /// Opens (creating or upgrading) the database and names the media folder.
  public func open() throws -> (store: AttendanceStore, media: MediaLibrary) {
    try Self.open(database: database, media: media)
  }

  /// The database named by `--db` (else the settings), opened, and the media folder named by
  /// `--media` (else `MEDIA_DIR`, else ./media): shared with `LibraryOptions`.
  static func open(database: String?, media: String?) throws -> (store: AttendanceStore, media: MediaLibrary) {
    let settings = try settings()
    let store = try openStore(try location(option: database))
    let root = media ?? settings["MEDIA_DIR"] ?? "media"
    sayTightened(FilePrivacy.tighten([root], mode: 0o700))
    return (store, MediaLibrary(root: root))
  }

  /// The broker named by `--mq` or `MQ_URL`, or nil for direct mode.
  public func broker() throws -> BrokerURL? {
    let settings = try settings()
    guard let text = mq ?? settings["MQ_URL"] else { return nil }
    var broker: BrokerURL
    do {
      broker = try BrokerURL(text, caFile: mqCa ?? settings["MQ_CA_FILE"])
    } catch {
      throw ToolError(error.description, exitCode: .configuration)
    }
    if let type = settings["MQ_QUEUE_TYPE"], !type.isEmpty {
      guard let known = BrokerURL.QueueType(rawValue: type) else {
        throw ToolError("MQ_QUEUE_TYPE '\(type)': use classic (the default) or quorum", exitCode: .configuration)
      }
      broker.queueType = known
    }
    return broker
  }
}

extension MessageDelivery {
  /// At a producer's exit: gives the broker up to `seconds` to take what the spool still holds, then
  /// says honestly whether everything was confirmed or how many messages wait, and where.
  public func finishReporting(tool: String, within seconds: Double = 3) {
    guard let backlog = finish(within: seconds) else { return }
    Console.error("\(tool): \(backlog.summary)")
  }
}
