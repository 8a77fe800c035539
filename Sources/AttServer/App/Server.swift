import AttendanceKit
import Foundation
import Hummingbird
import Logging

/// att-serve's parts and how they are put together: what the requests share (the database
/// threads, the password thread, the session signer, the live feed, the counters), the middleware
/// in order, and one controller per concern, each given only what it uses.
final class Server: Sendable {
  let settings: ServeSettings
  let logger: Logger
  let metrics = ServerMetrics()
  let feed: LiveFeed
  let follower: FeedFollower
  /// Every SQLite call of a request runs here, never on the cooperative pool.
  let database: BlockingWork
  /// Password checks: one at a time on a thread of their own, a short line, the rest turned away.
  let passwords: PasswordChecks
  /// Face work (the embeddings of a face enrolled from the page): one at a time, off the pool and
  /// off the database threads.
  let faces: BlockingWork
  let accounts: Accounts
  let signer: SessionSigner

  init(settings: ServeSettings, logger: Logger) {
    self.settings = settings
    self.logger = logger
    accounts = Accounts(store: settings.store)
    signer = SessionSigner(secretKey: settings.secretKey)
    database = BlockingWork(threads: settings.databaseThreads)
    passwords = PasswordChecks(threads: 1, capacity: settings.passwordLine)
    faces = BlockingWork(threads: 1, niceness: 5)
    feed = LiveFeed(pushes: metrics.feedPushes, dropped: metrics.feedDropped, maxBacklog: settings.feedBacklog)
    follower = FeedFollower(
      store: settings.store, feed: feed, broker: settings.broker, pollInterval: settings.pollInterval, database: database,
      logger: logger)
  }

  var secureCookies: Bool { settings.tlsCertificate != nil }

  func addRoutes(to router: Router<AppContext>) {
    let store = settings.store
    // Outermost first: every response gets the security headers (errors included), then who is
    // asking is found out, then the request is counted and logged with that name.
    router.add(middleware: SecurityHeaders(tls: secureCookies, logger: logger))
    router.add(middleware: Authenticate(accounts: accounts, signer: signer, database: database))
    router.add(middleware: AccessLog(metrics: metrics, writesLines: settings.accessLog))

    // Everything but health, the login page and the favicon needs a session or a token. Camera
    // tokens may use their two routes and nothing else; people may use everything else.
    let signedIn = router.group().add(middleware: RequireIdentity(signer: signer, tls: secureCookies))
    let cameras = signedIn.group("api").add(middleware: RequireRole(allowed: [.camera]))
    let people = signedIn.group().add(middleware: RequireRole(allowed: Role.people))
    let api = people.group("api")
    let admin = api.group().add(middleware: RequireAdmin())
    let correctors = api.group().add(middleware: RequireAnyRole(allowed: Role.correctors))

    let changes = Changes(delivery: settings.delivery, logger: logger)
    let cameraController = CameraController(store: store, database: database, logger: logger)
    PageController().addRoutes(open: router, people: people)
    SessionController(
      accounts: accounts, signer: signer, limiter: settings.limiter, passwords: passwords, database: database, metrics: metrics,
      logger: logger, secureCookies: secureCookies, lateAfter: settings.lateAfter, clock: settings.clock,
      queueMode: settings.broker != nil
    ).addRoutes(open: router, people: people)
    HealthController(
      store: store, database: database, follower: follower, feed: feed, metrics: metrics, cameras: cameraController,
      usesBroker: settings.broker != nil, logger: logger
    ).addRoutes(open: router, people: people)
    FeedController(store: store, feed: feed, database: database).addRoutes(people: people)
    PeopleController(
      store: store, media: settings.media, database: database, changes: changes, lateAfter: settings.lateAfter,
      clock: settings.clock
    )
    .addRoutes(people: api, admin: admin)
    let attendance = AttendanceController(
      store: store, media: settings.media, database: database, changes: changes, lateAfter: settings.lateAfter,
      clock: settings.clock)
    attendance.addRoutes(people: api, correctors: correctors, admin: admin)
    LivenessRefusalsController(
      store: store, media: settings.media, database: database, snapshotDays: settings.snapshotDays, attendance: attendance,
      logger: logger
    )
    .addRoutes(people: api, correctors: correctors, admin: admin)
    CalendarController(store: store, database: database).addRoutes(people: api, admin: admin)
    UnknownFacesController(
      store: store, media: settings.media, database: database, changes: changes, snapshotDays: settings.snapshotDays,
      models: settings.broker == nil ? settings.models : nil, faces: faces, logger: logger
    ).addRoutes(people: api, admin: admin)
    ExportController(store: store, database: database, clock: settings.clock, lateAfter: settings.lateAfter).addRoutes(
      people: api)
    AuditController(store: store, database: database).addRoutes(admin: admin)
    cameraController.addRoutes(cameras: cameras, people: api, admin: admin)
  }
}
