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
  let router = Router(context: AppContext.self, options: .autoGenerateHeadEndpoints)  // HEAD on every GET route
  server.addRoutes(to: router)
  // WebSocket defaults: a ping every 30 s keeps idle feeds open through proxies.
  // Idle HTTP connections are closed; a first request head must arrive whole within headTimeout
  // (a silent or half-open client cannot hold a descriptor); connections are capped in all and per
  // address; open WebSockets are pinged instead.
  let idle = TimeAmount.milliseconds(Int64(settings.idleTimeout * 1000))
  let head = TimeAmount.milliseconds(Int64(settings.headTimeout * 1000))
  let limits =
    settings.maxConnections.map { ConnectionLimits(total: $0, perAddress: settings.maxConnectionsPerAddress) }
    ?? ConnectionLimits.fromDescriptorLimit(perAddress: settings.maxConnectionsPerAddress)
  let webSocketResponder = router.buildResponder()
  let webSocket = HTTPServerBuilder { responder in
    TimedHTTPChannel(
      base: HTTP1WebSocketUpgradeChannel(
        responder: responder, webSocketResponder: webSocketResponder,
        configuration: .init(http1: .init(idleTimeout: idle))),
      limits: limits, headTimeout: head)
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
