import ArgumentParser
import AttendanceKit
import Foundation

/// `--db` and `--media`: where the database and the face images are. Shared by every tool.
public struct StoreOptions: ParsableArguments {
  @Option(
    name: .customLong("db"),
    help: ArgumentHelp(
      "The SQLite database: sqlite:PATH or a plain path (default: $DB_URL, else sqlite:data/attendance.db).",
      valueName: "url"))
  public var database: String?

  @Option(help: ArgumentHelp("Folder of enrolled face images (default: $MEDIA_DIR, else ./media).", valueName: "dir"))
  public var media: String?

  public init() {}

  /// The settings from the environment and `.env`.
  public func settings() throws -> Settings {
    do {
      return try Settings()
    } catch {
      throw ToolError(error.description, exitCode: .configuration)
    }
  }

  /// Opens (creating or upgrading) the database and names the media folder.
  public func open() throws -> (store: AttendanceStore, media: MediaLibrary) {
    let settings = try settings()
    let location: DatabaseLocation
    do {
      location = try DatabaseLocation.resolve(option: database, environment: settings)
    } catch {
      throw ToolError(error.description, exitCode: .configuration)
    }
    let store: AttendanceStore
    do {
      store = try AttendanceStore(location: location)
    } catch {
      throw ToolError(error.description, exitCode: .unavailable)
    }
    return (store, MediaLibrary(root: media ?? settings["MEDIA_DIR"] ?? "media"))
  }

  /// The way this tool's messages reach the database. Queue mode (MQ_URL) needs att-worker's
  /// RabbitMQ client; until it is part of the build, a set MQ_URL is refused rather than ignored.
  public func delivery(store: AttendanceStore, media: MediaLibrary) throws -> any MessageDelivery {
    if let queue = try settings()["MQ_URL"] {
      throw ToolError(
        "MQ_URL is set (\(Redacted.url(queue))) but this build has no RabbitMQ client yet; unset MQ_URL to write the database directly",
        exitCode: .configuration)
    }
    return DirectDelivery(handler: MessageHandler(store: store, media: media))
  }
}

/// Hides the password of a URL in messages: amqp://user:***@host/vhost.
public enum Redacted {
  public static func url(_ text: String) -> String {
    guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
    let credentials = text[scheme.upperBound..<at]
    guard let colon = credentials.firstIndex(of: ":") else { return text }
    return text[..<colon] + ":***" + text[at...]
  }
}
