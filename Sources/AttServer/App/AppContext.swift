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
  /// The connection's channel: the live feed writes to an upgraded WebSocket through it.
  public let channel: any Channel

  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    webSocket = .init()
    remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    channel = source.channel
  }

  public var requestDecoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return decoder
  }

  public var responseEncoder: JSONEncoder { .att }

  /// No request of this API needs more than a few kilobytes: a larger body is refused with 413
  /// before it is read into memory.
  public var maxUploadSize: Int { 64 * 1024 }
}
