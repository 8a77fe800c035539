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
