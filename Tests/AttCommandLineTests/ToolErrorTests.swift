import ArgumentParser
import AttCommandLine
import AttendanceKit
import FaceKit
import Foundation
import Testing

/// The one error funnel: every tool's failures become one line and a sysexits status, the same in
/// every tool.
@Suite("Exit statuses: the same failure gives the same status in every tool")
struct ToolErrorTests {
  func status(_ error: any Error) -> Int32? {
    do {
      try reportingErrors("att-test") { throw error }
      return nil
    } catch let code as ExitCode {
      return code.rawValue
    } catch {
      return nil
    }
  }

  @Test("a missing input is 66, a model that does not load 2, a tool's own failure its status")
  func statuses() {
    #expect(status(FaceKitError.fileNotFound(path: "/nowhere/face.jpg")) == 66)
    #expect(status(FaceKitError.sourceUnavailable(source: "/nowhere/clip.mp4", detail: "cannot open")) == 66)
    #expect(status(FaceKitError.modelMissing(path: "/nowhere/model.dat")) == 2)
    #expect(status(FaceKitError.undecodable(path: "x.jpg", detail: "not an image")) == 1)
    #expect(status(ToolError("the lock is held", exitCode: .busy)) == 75)
    #expect(status(ToolError("DB_URL cannot be used", exitCode: .configuration)) == 78)
    #expect(status(CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: "/full/att.sqlite3"])) == 1)
    // An ExitCode passes through as it is (ArgumentParser's own statuses, --help's 0).
    #expect(status(ExitCode(64)) == 64)
  }

  @Test("no error, no exit status")
  func success() throws {
    var ran = false
    try reportingErrors("att-test") { ran = true }
    #expect(ran)
  }
}

@Suite("Shared options and output")
struct SharedOptionTests {
  @Test("--json output: keys sorted, slashes as they are, infinities as text, ISO dates")
  func jsonText() throws {
    struct Row: Encodable {
      let path: String
      let b: Double
      let a: Date
    }
    let text = try JSONText.encode(Row(path: "media/21CS001/x.jpg", b: .infinity, a: Date(timeIntervalSince1970: 0)))
    #expect(text == #"{"a":"1970-01-01T00:00:00Z","b":"inf","path":"media/21CS001/x.jpg"}"#)
  }

  @Test("database-only commands take --db, and still accept the dropped --media/--mq/--spool (hidden)")
  func databaseOptions() throws {
    struct Command: ParsableCommand {
      @OptionGroup var database: DatabaseOptions
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("att-cli-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let command = try Command.parse(["--db", "\(folder)/att.sqlite3", "--media", "/old/media", "--spool", "/old/spool"])
    let store = try command.database.open()
    #expect(store.location.path == "\(folder)/att.sqlite3")
    #expect(FileManager.default.fileExists(atPath: "\(folder)/att.sqlite3"))
    // The dropped options are not offered in the help.
    let help = Command.helpMessage()
    #expect(help.contains("--db"))
    #expect(!help.contains("--media") && !help.contains("--spool") && !help.contains("--mq"))
  }

  @Test("every tool reports the same version")
  func version() {
    #expect(AttVersion.current.split(separator: ".").count == 3)
    #expect(AttVersion.current.split(separator: ".").allSatisfy { Int($0) != nil })
  }
}
