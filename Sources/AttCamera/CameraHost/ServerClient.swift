import AttQueue
import AttRecognition
import AttendanceKit
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// att-serve as a camera host sees it: a base URL and a camera token. Calls block the calling thread
/// (att-take's gallery and status threads, never the frame loop) for at most `timeout` seconds.
public final class ServerClient: @unchecked Sendable {
  public let base: URL
  private let token: String
  private let session: URLSession
  private let timeout: Double

  public struct Reply: Sendable {
    public let status: Int
    public let body: Data
    public let etag: String?
  }

  public enum Failure: Error, CustomStringConvertible {
    /// No answer: refused, timed out, a name that does not resolve, a TLS failure.
    case unreachable(String)
    /// The token was refused (401): revoked, or never valid.
    case tokenRefused(String)
    /// The token is valid but not a camera's (403).
    case forbidden(String)
    case status(Int, String)

    public var description: String {
      switch self {
      case .unreachable(let reason): "unreachable: \(reason)"
      case .tokenRefused(let message): "the server refused the token (401: \(message))"
      case .forbidden(let message): "the server refused this token here (403: \(message))"
      case .status(let code, let message): "HTTP \(code): \(message)"
      }
    }
  }

  public init(base: URL, token: String, timeout: Double = 10) {
    self.base = base
    self.token = token
    self.timeout = timeout
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.timeoutIntervalForResource = max(timeout, 120)
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    session = URLSession(configuration: configuration)
  }

  /// Sends a request to `path` (with its query) and waits for the reply; 4xx and 5xx are failures.
  public func send(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]) throws(Failure) -> Reply {
    guard let url = URL(string: path, relativeTo: base) else { throw .unreachable("bad path \(path)") }
    var request = URLRequest(url: url)
    request.httpMethod = method
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    request.setValue("att-take", forHTTPHeaderField: "User-Agent")
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    if let body {
      request.httpBody = body
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: (Data?, URLResponse?, (any Error)?) = (nil, nil, nil)
    session.dataTask(with: request) { data, response, error in
      result = (data, response, error)
      done.signal()
    }.resume()
    done.wait()
    if let error = result.2 { throw .unreachable(error.localizedDescription) }
    guard let http = result.1 as? HTTPURLResponse else { throw .unreachable("no HTTP response") }
    let data = result.0 ?? Data()
    let message = Self.message(data)
    switch http.statusCode {
    case 200..<400: return Reply(status: http.statusCode, body: data, etag: http.value(forHTTPHeaderField: "ETag"))
    case 401: throw .tokenRefused(message)
    case 403: throw .forbidden(message)
    default: throw .status(http.statusCode, message)
    }
  }

  /// The `message` (or `error`) of an error body, else its first line.
  private static func message(_ data: Data) -> String {
    if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
      if let error = object["error"] as? [String: Any], let message = error["message"] as? String { return message }
      if let message = object["message"] as? String { return message }
    }
    return String(decoding: data.prefix(200), as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
  }
}
