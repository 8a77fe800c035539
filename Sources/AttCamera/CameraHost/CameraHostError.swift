import AttQueue
import AttRecognition
import AttendanceKit
import Foundation

/// Why a camera host (att-take with --gallery) cannot start, with what to do about it.
public enum CameraHostError: Error, Equatable, CustomStringConvertible {
  case badAddress(String)
  case needsBroker
  case databaseGiven
  case needsToken
  /// The server refused the token (401); the gallery cache was erased.
  case tokenRefused(server: String, message: String, cache: String)
  /// The token is valid but not a camera's (403).
  case notCameraToken(server: String, message: String)
  /// The server cannot be reached and there is no cache to run from.
  case unreachable(server: String, reason: String, cache: String)

  /// What kind of failure, for the exit status.
  public enum Kind: Sendable { case usage, configuration, unavailable }

  public var kind: Kind {
    switch self {
    case .badAddress, .needsBroker, .databaseGiven: .usage
    case .needsToken, .tokenRefused, .notCameraToken: .configuration
    case .unreachable: .unavailable
    }
  }

  public var description: String {
    switch self {
    case .badAddress(let address): "--gallery '\(address)': give att-serve's address, such as https://server:8080"
    case .needsBroker: "--gallery: a camera host sends its observations through the broker: set MQ_URL (or --mq)"
    case .databaseGiven: "--gallery and --db: a camera host with --gallery uses no database; give one or the other"
    case .needsToken: "--gallery needs a camera token in ATT_TOKEN (on the server: att-serve token add NAME --role camera)"
    case .tokenRefused(let server, let message, let cache):
      "\(server) refused ATT_TOKEN (\(message)): make a camera token on the server "
        + "(att-serve token add NAME --role camera); the gallery cache \(cache) was erased"
    case .notCameraToken(let server, let message):
      "\(server): \(message): ATT_TOKEN must be a camera token (att-serve token add NAME --role camera)"
    case .unreachable(let server, let reason, let cache):
      "cannot fetch the gallery from \(server) (\(reason)), and there is no cache at \(cache)"
    }
  }
}

extension GalleryLink {
  /// att-serve's address for a camera host, checked with what a camera host needs: the broker for
  /// its observations, no database, and a camera token.
  public static func serverURL(_ address: String, broker: BrokerURL?, databaseGiven: Bool, token: String?) throws(CameraHostError)
    -> URL
  {
    guard let url = URL(string: address.hasSuffix("/") ? address : address + "/"), ["http", "https"].contains(url.scheme ?? ""),
      url.host != nil
    else { throw .badAddress(address) }
    guard broker != nil else { throw .needsBroker }
    guard !databaseGiven else { throw .databaseGiven }
    guard let token, !token.isEmpty else { throw .needsToken }
    return url
  }
}
