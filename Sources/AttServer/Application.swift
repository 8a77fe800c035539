import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL

/// Everything att-serve needs to run, from its options and environment.
public struct ServeSettings: Sendable {
  public var host = "127.0.0.1"
  public var port = 8080
  public var store: AttendanceStore
  public var media: MediaLibrary
  /// Where admin changes (rename, remove, manual attendance) go: the handler in direct mode, the
  /// broker in queue mode, like every other tool's messages.
  public var delivery: any MessageDelivery
  /// The broker whose `att.events` wake the live feed (queue mode), if any.
  public var broker: BrokerURL?
  public var secretKey: String
  /// Clock time (HH:MM, camera time) after which an arrival counts as late; nil for no rule.
  public var lateAfter: String?
  /// Write one line per request to standard error.
  public var accessLog = true
  /// PEM certificate chain and key: serve HTTPS (and wss://) instead of HTTP.
  public var tlsCertificate: String?
  public var tlsKey: String?
  /// How often the live feed looks at the database (always in direct mode; as a fallback in queue mode).
  public var pollInterval = 0.05
  public var limiter = LoginLimiter()
  /// Threads for SQLite calls: WAL lets readers run side by side, and these bound how many do.
  public var databaseThreads = 4
  /// Password checks admitted at once (one runs, the rest wait); more get "busy, try again".
  public var passwordLine = 4
  /// Days an unknown face's snapshot is kept (the sweep runs at start and every hour).
  public var snapshotDays = 30
  /// Seconds an HTTP connection may stay idle (a half-open client included) before it is closed.
  public var idleTimeout = 30.0

  public init(store: AttendanceStore, media: MediaLibrary, delivery: any MessageDelivery, secretKey: String) {
    self.store = store
    self.media = media
    self.delivery = delivery
    self.secretKey = secretKey
  }
}

/// The request context: Hummingbird's, plus who is asking.
public struct AppContext: RequestContext, WebSocketRequestContext {
  public var coreContext: CoreRequestContextStorage
  public let webSocket: WebSocketHandlerReference<AppContext>
  public var identity: Identity?
  /// The session cookie the identity came from (its CSRF token is derived from it), and its session.
  public var sessionCookie: String?
  public var session: SessionSigner.Session?
  /// An Authorization header was sent, and its token is not valid.
  public var invalidToken = false
  public let remoteAddress: String

  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    webSocket = .init()
    remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
  }

  public var requestDecoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return decoder
  }

  public var responseEncoder: JSONEncoder { .api }

  /// No request of this API needs more than a few kilobytes: a larger body is refused with 413
  /// before it is read into memory.
  public var maxUploadSize: Int { 64 * 1024 }
}

/// The web application: dashboard, login, REST API, CSV exports, WebSocket feed, health and
/// metrics. Built here, apart from the command, so that tests run it with or without sockets.
public func buildApplication(_ settings: ServeSettings, logger: Logger = Logger(label: "att-serve"))
  throws -> some ApplicationProtocol
{
  let server = Server(settings: settings, logger: logger)
  let router = Router(context: AppContext.self)
  server.addRoutes(to: router)
  // WebSocket defaults: a ping every 30 s keeps idle feeds open through proxies.
  // Idle HTTP connections are closed, silent new ones included (a half-open client cannot hold a
  // descriptor for ever); open WebSockets are pinged instead.
  let idle = TimeAmount.milliseconds(Int64(settings.idleTimeout * 1000))
  let webSocketResponder = router.buildResponder()
  let webSocket = HTTPServerBuilder { responder in
    TimedHTTPChannel(
      base: HTTP1WebSocketUpgradeChannel(
        responder: responder, webSocketResponder: webSocketResponder,
        configuration: .init(http1: .init(idleTimeout: idle))),
      firstRequestTimeout: idle)
  }
  let builder: HTTPServerBuilder
  if let certificate = settings.tlsCertificate, let key = settings.tlsKey {
    let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
    let tls = TLSConfiguration.makeServerConfiguration(
      certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
    builder = try .tls(webSocket, tlsConfiguration: tls)
  } else {
    builder = webSocket
  }
  var app = Application(
    router: router, server: builder,
    configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "att-serve"),
    logger: logger)
  app.addServices(server.follower, SnapshotSweeper(settings: settings, database: server.database, logger: logger))
  return app
}
