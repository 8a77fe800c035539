import ArgumentParser
import AttCommandLine
import AttDeliveryOptions
import AttServer
import AttendanceKit
import Foundation
import Logging

/// `att-serve`: the dashboard, the REST API, the live feed and the exports.
@main
struct AttServe: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "att-serve",
    abstract: "Serve the attendance dashboard, REST API, live WebSocket feed and CSV exports.",
    discussion: """
      Without a subcommand, runs the server. Nothing but /healthz is served without signing in: make \
      an account first (att-serve user add NAME --role admin), or a token for scripts \
      (att-serve token add NAME). Sessions are cookies signed with $SECRET_KEY (at least 32 \
      characters; `openssl rand -base64 48` makes one), which the server refuses to start without.

      REST API (JSON; the session cookie, or 'Authorization: Bearer TOKEN'):
        GET /api/people ?class= &q= &all=true
            everyone enrolled
        GET /api/people/ID, GET /api/people/ID/attendance ?from= &to=
            one person, and their records (newest first, paged)
        GET /api/people/ID/report ?from= &to=
            each school day's state, present/late/absent/excused counts and the attendance rate
        GET /api/roster ?date= &class=
            the day's roll: present, by hand, excused, absent or no school, and late, per person
        GET /api/classes
            classes with their member counts
        GET /api/attendance ?from= &to= &class= &person= &limit= &before=
            records, newest first, paged (has_snapshot: the camera's crop is kept)
        GET /api/attendance/ID/snapshot
            admin: the face a camera marked (att-take --snapshots), to check who it was
        GET /api/summary ?date= &class=
            present, absent (against the class's members, on school days, from enrolment), late
        GET /api/daily ?from= &to= &class=
            present, late, absent and excused per school day (400 days at most)
        GET /api/calendar, PUT /api/calendar {"weekdays": [1..7], "holidays": [{"day", "name"}],
            "class_starts": {"CLASS": "HH:MM"}}
            the school calendar; changing it is for admins
        GET /api/unknown-faces ?limit= &before= &all=true
            faces nobody matched, with the nearest person (admins: the snapshot's address)
        GET /api/unknown-faces/ID/snapshot, POST /api/unknown-faces/ID/enrol {"person_id", "name",
            "class_id"}, POST /api/unknown-faces/ID/assign {"person_id"}, POST .../dismiss
            admin: the snapshot; enrol it as a new person, add it to one, or dismiss it
        GET /api/liveness-refusals ?limit= &before= &all=true &class=
            recognised people att-take did not mark for liveness, open ones (admins: the crop's address)
        POST /api/liveness-refusals/ID/present {"class_id"}, POST .../dismiss, GET .../snapshot
            admin or teacher: mark the person present at the camera's time, or dismiss; admin: the crop
        GET /api/liveness-summary ?from= &to= &class=
            what liveness did over those days (the last 30 by default): the cameras' marks and why, the
            marks deleted on review, the refusals by what became of them, the live people refused;
            each camera's share
        GET /api/people/ID/photo
            admin: the person's first face image
        GET /api/devices
            cameras: online, stale or offline, with their last status (frames/s, drops, faces, gallery)
        PATCH /api/devices/ID {"name": "...", "location": "..."}
            admin: a camera's name and location
        GET /api/export/register.csv ?from= &to= &class=
            the register for people: a row per pupil, a column per school day (P L A E H), totals
        GET /api/export/summary.csv, GET /api/export/events.csv
            ?from= &to= &class=: for machines: the seed's report, or one line per record
        PATCH /api/people/ID {"name": "..."}
            admin: rename
        DELETE /api/people/ID ?keep_attendance=true
            admin: erase a person's images and embeddings (and records)
        POST /api/attendance {"person_id", "day", "time", "class_id", "note"}
            admin: mark present by hand (who and the note are kept on the record)
        POST /api/excusals {"person_id", "day", "class_id", "note"}, DELETE /api/excusals
            ?person_id= &day= &class=
            admin: excuse a person for a day, or withdraw it
        DELETE /api/attendance/RECORD ?note=, GET /api/audit
            admin: delete a wrong record (or undo one marked by hand); who changed what
        GET /api/gallery ?since=VERSION, POST /api/devices/status
            camera tokens only (and nothing else): the embeddings a camera matches against, whole or
            the changes since its version (304 when it has the newest); its status every few seconds
      Dates are YYYY-MM-DD; pages continue with before=<next_before>. Corrections (marking present, \
      excusing, deleting a record) are messages through the same handler (or broker, in queue mode) \
      as every camera's, which writes their audit row in the same transaction. \
      Browsers must send the X-CSRF-Token header (from /api/me) with changes.

      Also: /ws (live feed: committed records as JSON, {"type":"attendance","records":[...]}; \
      ?after=ID catches up), /metrics \
      (Prometheus text; a session or a token, as everywhere), /healthz (database and broker; 503 when degraded).
      """,
    version: AttVersion.current,
    subcommands: [Run.self, User.self, Token.self, Export.self],
    defaultSubcommand: Run.self)
}

extension AttServe {
  struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run the server until SIGTERM or Ctrl-C (the default).",
      discussion: """
        In direct mode the live feed follows the database (checked every 0.05 s); in queue mode \
        ($MQ_URL) it wakes on the broker's att.events at once and falls back on the database while \
        the broker is away. SIGTERM and Ctrl-C stop accepting connections, finish the requests in \
        hand and close the live feeds.
        """)

    @Option(help: "Address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(
      help: ArgumentHelp(
        "Arrivals after this clock time (camera time) count as late, e.g. 09:05 (default: $ATT_LATE_AFTER).", valueName: "HH:MM"))
    var lateAfter: String?

    @Option(
      help: ArgumentHelp(
        "Days an unknown face's snapshot is kept before it is deleted (default: $ATT_SNAPSHOT_DAYS, else 30).", valueName: "days")
    )
    var snapshotDays: Int?

    @Option(help: ArgumentHelp("PEM certificate chain: serve HTTPS and wss:// (with --tls-key).", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("PEM private key for --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Flag(help: "Development: accept a short or missing SECRET_KEY (a random one is made; sessions end with the process).")
    var dev = false

    @Flag(help: "Do not write a line per request to standard error.")
    var quiet = false

    @Option(
      help: ArgumentHelp(
        "Seconds a new connection has to send its first request head whole; slower ones are closed.", valueName: "seconds"))
    var headerTimeout = 10.0

    @Option(
      help: ArgumentHelp(
        "Connections one address may hold at once (at most a quarter of the total, which is the open-file limit less 64); more are answered 503.",
        valueName: "n"))
    var maxConnectionsPerAddress = 256

    @Option(
      help: ArgumentHelp(
        "The school's time zone, an IANA name such as Europe/London: today, lateness, the page's times (default: $ATT_TIMEZONE, else this host's zone).",
        valueName: "zone"))
    var timeZone: String?

    /// For tests and demonstrations: the server's clock reads this instant at start and runs on
    /// from there, so that "today", lateness and default times do not depend on the hour it runs.
    @Option(help: .hidden)
    var clockStart: String?

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var logOptions: LogOptions

    func run() async throws {
      try await reportingErrors("att-serve", logFormat: logOptions.logFormat) {
        let settings = try storeOptions.settings()
        var secret = settings["SECRET_KEY"] ?? ""
        if secret.count < SessionSigner.minimumKeyLength {
          guard dev else {
            throw ToolError(
              "SECRET_KEY \(secret.isEmpty ? "is not set" : "is too short (\(secret.count) characters)"): set it to at least \(SessionSigner.minimumKeyLength) random characters, e.g. export SECRET_KEY=$(openssl rand -base64 48), or use --dev",
              exitCode: .configuration)
          }
          secret = (0..<4).map { _ in UUID().uuidString }.joined()
          Console.error("att-serve: --dev: a random session key for this run; sessions end when it stops")
        }
        let late = lateAfter ?? settings["ATT_LATE_AFTER"]
        if let late, ClockTime(late) == nil {
          throw ToolError("--late-after '\(late)' is not a clock time HH:MM", exitCode: .configuration)
        }
        let days = snapshotDays ?? settings["ATT_SNAPSHOT_DAYS"].flatMap { Int($0) } ?? 30
        guard (1...3650).contains(days) else {
          throw ToolError("--snapshot-days \(days): give 1 to 3650 days", exitCode: .usage)
        }
        if (tlsCert == nil) != (tlsKey == nil) { throw ToolError("--tls-cert and --tls-key go together", exitCode: .usage) }
        let (store, media) = try storeOptions.open()
        let zoneName = timeZone ?? settings["ATT_TIMEZONE"]
        let zone = try AttServe.schoolZone(zoneName)
        var clock = SchoolClock(timeZone: zone, name: zoneName)
        if let clockStart {
          let parser = ISO8601DateFormatter()
          guard let instant = parser.date(from: clockStart) else {
            throw ToolError(
              "--clock-start '\(clockStart)' is not an ISO 8601 instant such as 2026-11-30T08:30:00Z", exitCode: .usage)
          }
          clock = SchoolClock(startingAt: instant, timeZone: zone, name: zoneName)
        }
        var serve = ServeSettings(
          store: store, media: media,
          delivery: try storeOptions.delivery(store: store, media: media, tool: "att-serve", clock: clock), secretKey: secret)
        serve.clock = clock
        // The models, for a face enrolled from the page (direct mode): loaded when first used.
        let models = modelOptions.modelSet
        serve.models = FileManager.default.fileExists(atPath: models.directory) ? models : nil
        serve.host = host
        serve.port = port
        serve.broker = try storeOptions.broker()
        serve.lateAfter = late
        guard headerTimeout > 0, headerTimeout <= 300 else {
          throw ToolError("--header-timeout \(headerTimeout): give 0.1 to 300 seconds", exitCode: .usage)
        }
        guard maxConnectionsPerAddress >= 1 else {
          throw ToolError("--max-connections-per-address must be at least 1", exitCode: .usage)
        }
        serve.headTimeout = headerTimeout
        serve.maxConnectionsPerAddress = maxConnectionsPerAddress
        serve.snapshotDays = days
        serve.accessLog = !quiet
        serve.tlsCertificate = tlsCert
        serve.tlsKey = tlsKey
        if try !Accounts(store: store).hasUsers() {
          Console.error("att-serve: no accounts yet: make one with att-serve user add NAME --role admin")
        }
        // Each live-feed client is a socket: allow as many as the system lets this process have.
        var files = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &files) == 0, files.rlim_cur < files.rlim_max {
          files.rlim_cur = files.rlim_max
          setrlimit(Int32(RLIMIT_NOFILE.rawValue), &files)
        }
        var logger = Logger(label: "att-serve")
        logger.logLevel = .notice
        let app = try buildApplication(serve, logger: logger)
        let scheme = tlsCert == nil ? "http" : "https"
        Console.error(
          "att-serve: \(scheme)://\(host):\(port)/ · database \(store.location.path) · \(serve.broker.map { "queue mode, events from \($0)" } ?? "direct mode")"
        )
        try await app.runService()
      }
    }

  }
}

extension AttServe {
  /// The school's zone from `--time-zone` or `ATT_TIMEZONE` (nil: this host's), checked.
  static func schoolZone(_ name: String?) throws -> TimeZone {
    guard let name else { return .current }
    guard let zone = TimeZone(identifier: name) else {
      throw ToolError(
        "--time-zone '\(name)' is not an IANA time zone name (such as Europe/London or Asia/Kolkata)", exitCode: .configuration)
    }
    return zone
  }
}

extension Role: ExpressibleByArgument {}

enum RoleArgument: String, ExpressibleByArgument, CaseIterable {
  case viewer, teacher, admin
  var role: Role { Role(rawValue: rawValue)! }
}
