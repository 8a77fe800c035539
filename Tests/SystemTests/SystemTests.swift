import AttTestSupport
import AttendanceKit
import Foundation
import Testing

/// The built tools' folder (debug in `swift test`).
let toolFolder = (ToolRun.executable("att-serve") as NSString).deletingLastPathComponent

/// Runs a command to the end; stdout and stderr together.
func shell(_ command: String, environment: [String: String] = [:], in folder: String = Checkout.root) throws -> (
  status: Int32, output: String
) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/bash")
  process.arguments = ["-c", command]
  process.currentDirectoryURL = URL(fileURLWithPath: folder)
  var base = ProcessInfo.processInfo.environment
  for key in ["DB_URL", "MQ_URL", "MEDIA_DIR", "ATT_MODELS", "SECRET_KEY", "ATT_SPOOL"] { base.removeValue(forKey: key) }
  process.environment = base.merging(environment) { $1 }
  let log = try Checkout.scratchFolder("shell") + "/output.txt"
  FileManager.default.createFile(atPath: log, contents: nil)
  let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
  process.standardOutput = handle
  process.standardError = handle
  try process.run()
  process.waitUntilExit()
  try handle.close()
  return (process.terminationStatus, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
}

@Suite("The whole system: the demo path and the install", .serialized, .testThreads)
struct SystemTests {
  @Test(
    "the demo runs headless against the real broker and database: people enrolled through att-worker, attendance recorded, exported"
  )
  func demo() throws {
    let site = try Checkout.scratchFolder("demo-site")
    let port = FreePort.pick(in: 19000...19999)
    // A broker node of the demo's own (the suite's node stays up): the demo starts it, and must stop it.
    let brokerPort = FreePort.pick(in: 5700...5799, alsoFree: [20000])
    let run = try shell(
      "Scripts/demo --port \(port)",
      environment: [
        "ATT_BIN": toolFolder, "ATT_DEMO_SITE": site, "ATT_SHARED": "/nonexistent", "ATT_BROKER_DIR": "\(site)/broker",
        "ATT_BROKER_PORT": "\(brokerPort)", "ATT_BROKER_NODE": "attdemo\(brokerPort)@localhost",
      ])
    #expect(run.status == 0, "\(run.output.suffix(3000))")
    #expect(run.output.contains("dashboard  http://127.0.0.1:\(port)/   sign in as: demo / demo-"))
    #expect(run.output.contains("liveness ON (the default): the face is recognised, but it is a photo"))
    #expect(run.output.contains("present  Barack Obama (P001)"), "the summary shows who came")
    #expect(run.output.contains("Roll No,Name,Attended,Sessions,Percentage"))
    #expect(run.output.contains("P001,Barack Obama,1,1,100.00"))
    #expect(
      run.output.contains("demo: stopped att-serve, att-worker and the broker"), "everything it started is stopped")
    #expect(PlainHTTP.connectSocket(port: brokerPort).map { close($0) } == nil, "the broker's port is free again")

    let store = try AttendanceStore(location: DatabaseLocation(path: "\(site)/data/attendance.db"))
    let (people, embedded, records, liveness, observations) = try store.reader { db in
      (
        try Int.fetchOne(db, sql: "SELECT count(*) FROM people") ?? 0,
        try Int.fetchOne(db, sql: "SELECT count(DISTINCT person_id) FROM face_samples s JOIN embeddings e ON e.sample_id = s.id")
          ?? 0,
        try Int.fetchOne(db, sql: "SELECT count(*) FROM attendance WHERE person_id = 'P001' AND device_id = 'demo-cam'") ?? 0,
        try String.fetchOne(db, sql: "SELECT liveness FROM attendance WHERE person_id = 'P001'"),
        try Int.fetchOne(db, sql: "SELECT count(*) FROM observations") ?? 0
      )
    }
    #expect(people == 2 && embedded == 2, "both sample people enrolled through the broker, with embeddings")
    #expect(records == 1, "one record: the run with liveness on recorded nothing, the run with it off recorded Obama")
    #expect(liveness == "off")
    #expect(observations >= 1)
    // Nothing left running: the port is free again.
    #expect(PlainHTTP.get(port: port, path: "/healthz") == nil)
  }

  @Test(
    "att-extract and att-liveness load neither librabbitmq nor FFmpeg; a tool that opens a video loads them through the video module"
  )
  func linkedLibraries() throws {
    for tool in ["att-extract", "att-liveness", "att-take", "att-register"] {
      let ldd = try shell("ldd '\(toolFolder)/\(tool)'")
      #expect(ldd.status == 0, "\(ldd.output)")
      #expect(!ldd.output.contains("libavformat") && !ldd.output.contains("libopencv_videoio"), "\(tool): \(ldd.output)")
      if tool == "att-extract" || tool == "att-liveness" { #expect(!ldd.output.contains("librabbitmq"), "\(tool)") }
    }
    let module = try shell("ldd '\(toolFolder)/libCFaceVideo.so'")
    #expect(module.status == 0 && module.output.contains("libopencv_videoio"), "\(module.output)")
  }

  @Test(
    "make install puts tools, the video module, man pages, completions, models and examples under a prefix; they run from there; uninstall removes them"
  )
  func install() throws {
    let prefix = try Checkout.scratchFolder("prefix")
    let installed = try shell("make -s install-files PREFIX=\(prefix) BIN=\(toolFolder)")
    #expect(installed.status == 0, "\(installed.output)")
    let fm = FileManager.default
    for tool in ["att-register", "att-extract", "att-take", "att-worker", "att-serve"] {
      #expect(fm.isExecutableFile(atPath: "\(prefix)/bin/\(tool)"), "\(tool)")
      #expect(fm.fileExists(atPath: "\(prefix)/share/man/man1/\(tool).1"), "\(tool).1")
      let bash = (try? String(contentsOfFile: "\(prefix)/share/bash-completion/completions/\(tool)", encoding: .utf8)) ?? ""
      #expect(bash.contains("complete") && bash.contains(tool), "bash completion of \(tool)")
      let zsh = (try? String(contentsOfFile: "\(prefix)/share/zsh/site-functions/_\(tool)", encoding: .utf8)) ?? ""
      #expect(zsh.hasPrefix("#compdef \(tool)"), "zsh completion of \(tool)")
    }
    #expect(fm.fileExists(atPath: "\(prefix)/share/att/att.env.example"))
    #expect(fm.fileExists(atPath: "\(prefix)/share/att/packaging/systemd/att-worker@.service"))
    #expect(fm.fileExists(atPath: "\(prefix)/share/att/packaging/systemd/att-take@.service"))

    // The installed tools find the installed models by themselves (no ATT_MODELS, another folder).
    let work = try Checkout.scratchFolder("installed")
    let embed = try shell("\(prefix)/bin/att-extract embed '\(Checkout.testImages)/obama.jpg'", in: work)
    #expect(embed.status == 0, "\(embed.output)")
    #expect(embed.output.contains("\"embedding\":["))
    // An export reads an existing database (and never creates one): a wrong --db is one line, 66.
    let none = try shell("\(prefix)/bin/att-serve export --db \(work)/a.db", in: work)
    #expect(none.status == 66 && none.output.contains("there is no database here"), "\(none.output)")
    #expect(!FileManager.default.fileExists(atPath: "\(work)/a.db"))
    _ = try shell("\(prefix)/bin/att-serve token add nightly --db \(work)/a.db", in: work)
    let serve = try shell("\(prefix)/bin/att-serve export --db \(work)/a.db", in: work)
    #expect(serve.status == 0 && serve.output.hasPrefix("Roll No,Name,Attended,Sessions,Percentage"), "\(serve.output)")
    // The installed att-take reads a video through the video module it finds in PREFIX/lib/att.
    let clip = "\(Checkout.shared)/faces/video/negative_cup_opencv.mp4"
    let take = try shell("\(prefix)/bin/att-take --source '\(clip)' --db \(work)/a.db", in: work)
    #expect(take.status == 0 && take.output.contains("217 frames in"), "\(take.output)")
    // The installed man page is att-serve's own, with the API list from its --help.
    let page = (try? String(contentsOfFile: "\(prefix)/share/man/man1/att-serve.1", encoding: .utf8)) ?? ""
    #expect(page.contains(".Dt ATT-SERVE 1") && page.contains("GET /api/attendance"))

    let removed = try shell("make -s uninstall PREFIX=\(prefix)")
    #expect(removed.status == 0, "\(removed.output)")
    #expect(!fm.fileExists(atPath: "\(prefix)/bin/att-serve"))
    #expect(!fm.fileExists(atPath: "\(prefix)/share/att"))
    #expect(!fm.fileExists(atPath: "\(prefix)/lib/att"))
  }
}

@Suite("Every tool's command line", .testThreads)
struct CommandLineTests {
  @Test("the README and the guides in docs/ link only to files that exist; the README stays short")
  func guidesLinked() throws {
    let root = Checkout.root
    let guides = try FileManager.default.contentsOfDirectory(atPath: "\(root)/docs").filter { $0.hasSuffix(".md") }
    #expect(guides.count >= 10, "\(guides)")
    let readme = try String(contentsOfFile: "\(root)/README.md", encoding: .utf8)
    #expect(readme.split(separator: "\n", omittingEmptySubsequences: false).count < 300)
    for file in ["README.md"] + guides.map({ "docs/\($0)" }) {
      let text = try String(contentsOfFile: "\(root)/\(file)", encoding: .utf8)
      let folder = (file as NSString).deletingLastPathComponent
      for match in text.matches(of: #/\]\(([^)#\s:]+)(#[^)]*)?\)/#) {
        let target = (("\(root)/\(folder)" as NSString).appendingPathComponent(String(match.1)) as NSString).standardizingPath
        #expect(FileManager.default.fileExists(atPath: target), "\(file): \(match.1)")
      }
    }
  }

  @Test("the man pages have no broken line continuation: no run of spaces inside a sentence")
  func manPagesRead() throws {
    let folder = "\(Checkout.root)/man"
    let pages = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".1") }
    #expect(pages.count == 6, "\(pages)")
    for page in pages {
      let text = try String(contentsOfFile: "\(folder)/\(page)", encoding: .utf8)
      // An example block is indented; a sentence is not. A discussion line that lost its `\` shows as
      // "15       (--min-sharpness" in the page.
      for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
      where !(line.first?.isWhitespace ?? true) {
        #expect(line.range(of: #"\S {3,}\S"#, options: .regularExpression) == nil, "\(page):\(number + 1): \(line.prefix(120))")
      }
    }
  }

  @Test("every tool answers --version with the same version, and --help without an error")
  func versionAndHelp() throws {
    for tool in ["att-register", "att-extract", "att-take", "att-worker", "att-serve", "att-liveness"] {
      let version = try ToolRun.run(tool, ["--version"])
      #expect(version.status == 0, "\(tool): \(version.stderr)")
      #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.9.0", "\(tool): \(version.stdout)")
    }
    let commands = [
      ["att-register"], ["att-register", "import"], ["att-register", "add"], ["att-extract"], ["att-extract", "update"],
      ["att-extract", "embed"], ["att-take"], ["att-worker"], ["att-serve"], ["att-serve", "export"],
      ["att-liveness", "eval-video"],
    ]
    for command in commands {
      let help = try ToolRun.run(command[0], Array(command.dropFirst()) + ["--help"])
      #expect(help.status == 0 && help.stdout.contains("USAGE:"), "\(command): \(help.stderr)")
      let flat = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
      #expect(
        flat.range(of: #"\(default: [^)]*\)\. \(default:"#, options: .regularExpression) == nil,
        "\(command): a default stated twice")
    }
    // Options that do not apply are not offered: a list or an export sends no message and writes no image.
    for command in [
      ["att-register", "list"], ["att-serve", "export"], ["att-serve", "user", "add"], ["att-serve", "token", "add"],
      ["att-extract", "export"],
    ] {
      let help = try ToolRun.run(command[0], Array(command.dropFirst()) + ["--help"]).stdout
      #expect(
        help.contains("--db") && !help.contains("--mq") && !help.contains("--spool") && !help.contains("--media"), "\(command)")
    }
    // att-extract update writes embeddings and sends no message: --db and --media, no broker.
    let update = try ToolRun.run("att-extract", ["update", "--help"]).stdout
    #expect(update.contains("--db") && update.contains("--media") && !update.contains("--mq") && !update.contains("--spool"))
    // ...but an older command line that gives one still works, and is told it is ignored.
    let folder = try Checkout.scratchFolder("old-options")
    let old = try ToolRun.run("att-register", ["list", "--db", "\(folder)/a.db", "--media", "\(folder)/media"], in: folder)
    #expect(old.status == 0 && old.stderr.contains("--media does not apply here and is ignored"), "\(old.stderr)")
    // A list is one answer: one JSON array, empty or not, for att-register and att-serve alike.
    for command in [["att-register", "list"], ["att-serve", "user", "list"]] {
      let list = try ToolRun.run(command[0], Array(command.dropFirst()) + ["--db", "\(folder)/a.db", "--json"], in: folder)
      #expect(list.status == 0, "\(command): \(list.stderr)")
      #expect(
        (try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8))) is [Any], "\(command): \(list.stdout)")
    }
    // JSON is --json everywhere (an array for a list, JSON Lines for streams).
    for command in [["att-register", "list"], ["att-extract", "update"], ["att-extract", "embed"], ["att-take"]] {
      // --json itself, not --jsonl (att-take's old name, which its help also shows).
      let help = try ToolRun.run(command[0], Array(command.dropFirst()) + ["--help"]).stdout
      #expect(help.range(of: #"--json(?![a-z])"#, options: .regularExpression) != nil, "\(command)")
    }
  }
}
