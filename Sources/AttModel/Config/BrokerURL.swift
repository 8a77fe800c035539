import FaceKit
import Foundation

/// Where the broker is: `MQ_URL` such as `amqp://user:pass@host:5672/vhost`, or `amqps://` (TLS,
/// verified against `caFile`, e.g. the seed's ca.pem).
public struct BrokerURL: Sendable, Equatable, CustomStringConvertible {
  public let tls: Bool
  public let host: String
  public let port: Int
  public let user: String
  public let password: String
  public let virtualHost: String
  public var caFile: String?
  /// The kind of the durable queues att declares (`MQ_QUEUE_TYPE`): classic (one node), or quorum,
  /// replicated over a RabbitMQ cluster's nodes so that the queues and their messages survive the
  /// loss of one. Every tool on a site must use the same: a queue cannot change kind once declared.
  public var queueType: QueueType = .classic

  public enum QueueType: String, Sendable, CaseIterable {
    case classic, quorum
  }

  public init(_ text: String, caFile: String? = nil) throws(QueueError) {
    guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
      scheme == "amqp" || scheme == "amqps"
    else { throw .invalidURL(Redaction.url(text), reason: "expected amqp://user:pass@host:port/vhost or amqps://...") }
    guard let host = components.host, !host.isEmpty else { throw .invalidURL(Redaction.url(text), reason: "no host") }
    tls = scheme == "amqps"
    self.host = host
    port = components.port ?? (tls ? 5671 : 5672)
    user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "guest"
    password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding } ?? "guest"
    let path = components.percentEncodedPath
    virtualHost = path.isEmpty || path == "/" ? "/" : String(path.dropFirst()).removingPercentEncoding ?? "/"
    self.caFile = caFile
    if tls && caFile == nil { throw .invalidURL(Redaction.url(text), reason: "amqps:// needs a CA file (--mq-ca or MQ_CA_FILE)") }
  }

  /// The URL with the password hidden, for logs.
  public var description: String {
    "\(tls ? "amqps" : "amqp")://\(user):***@\(host):\(port)/\(virtualHost == "/" ? "" : virtualHost)"
  }
}
