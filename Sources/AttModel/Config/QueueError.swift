/// What can go wrong talking to the broker, with what a person needs to act on it.
public enum QueueError: Error, Equatable, CustomStringConvertible {
  /// MQ_URL cannot be used.
  case invalidURL(String, reason: String)
  /// The TCP or TLS connection failed (broker down, wrong host or port, certificate refused).
  case unreachable(String, reason: String)
  /// The broker closed the connection or channel: a refused login, a missing queue, a wrong argument.
  case refused(String, code: Int, reason: String)
  /// The connection was lost while in use (the broker restarted, the network dropped).
  case connectionLost(String, reason: String)
  /// The broker did not confirm a published message in time, or refused it (basic.nack).
  case notConfirmed(String, reason: String)

  public var description: String {
    switch self {
    case .invalidURL(let url, let reason): "MQ_URL '\(url)' cannot be used: \(reason)"
    case .unreachable(let broker, let reason): "\(broker): cannot connect: \(reason)"
    case .refused(let broker, let code, let reason): "\(broker): the broker refused: \(reason) (\(code))"
    case .connectionLost(let broker, let reason): "\(broker): connection lost: \(reason)"
    case .notConfirmed(let broker, let reason): "\(broker): message not confirmed: \(reason)"
    }
  }
}
