import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A bare HTTP/1.1 GET over a socket on 127.0.0.1, for peers whose header spelling Foundation's
/// networking refuses (Chromium's DevTools endpoint writes "Content-Length:1428", with no space,
/// answers nothing to HTTP/1.0 and keeps the connection open): the body is read by its length.
public enum PlainHTTP {
  /// The status code and body, or nil when nothing answers.
  public static func get(port: Int, path: String, timeout: Double = 5, from source: String = "127.0.0.1") -> (
    status: Int, body: Data
  )? {
    request("GET", port: port, path: path, timeout: timeout, from: source)
  }

  /// Any method, with extra header lines (an API token) and no body.
  public static func request(
    _ method: String, port: Int, path: String, headers: [String: String] = [:], timeout: Double = 5,
    from source: String = "127.0.0.1"
  ) -> (status: Int, body: Data)? {
    exchange(method, port: port, path: path, headers: headers, timeout: timeout, from: source).map { ($0.status, $0.body) }
  }

  /// A whole exchange: the status, the head's lines and the body, or nil when nothing answers.
  /// `source` is the client's address (any of 127.0.0.0/8 on Linux), to test per-address rules.
  public static func exchange(
    _ method: String, port: Int, path: String, headers: [String: String] = [:], body: Data = Data(), timeout: Double = 5,
    from source: String = "127.0.0.1"
  ) -> (status: Int, head: [String], body: Data)? {
    let extra = headers.map { "\($0.key): \($0.value)\r\n" }.joined()
    let length = body.isEmpty ? "" : "Content-Length: \(body.count)\r\n"
    let request =
      Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\(extra)\(length)Connection: close\r\n\r\n".utf8)
      + Array(body)
    return raw(request, port: port, timeout: timeout, from: source, method: method)
  }

  /// Sends `request` as it is and reads the answer.
  public static func raw(
    _ request: [UInt8], port: Int, timeout: Double = 5, from source: String = "127.0.0.1", method: String = "GET"
  ) -> (status: Int, head: [String], body: Data)? {
    guard let fd = connectSocket(port: port, from: source, timeout: timeout) else { return nil }
    defer { close(fd) }
    guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return nil }
    var response = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    var expected: Int?
    while expected.map({ response.count < $0 }) ?? true {
      let n = recv(fd, &buffer, buffer.count, 0)
      if n <= 0 { break }
      response.append(contentsOf: buffer[0..<n])
      if expected == nil, let split = response.range(of: Data("\r\n\r\n".utf8)) {
        let head = String(decoding: response[..<split.lowerBound], as: UTF8.self).lowercased()
        if method == "HEAD" {
          expected = split.upperBound
        } else if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
          let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        {
          expected = split.upperBound + length
        }
      }
    }
    guard let split = response.range(of: Data("\r\n\r\n".utf8)) else { return nil }
    let head = String(decoding: response[..<split.lowerBound], as: UTF8.self)
    let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return (status, head.components(separatedBy: "\r\n"), Data(response[split.upperBound...]))
  }

  /// A connected TCP socket to 127.0.0.1:`port` from `source`, or nil.
  public static func connectSocket(port: Int, from source: String = "127.0.0.1", timeout: Double = 5) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    var local = sockaddr_in()
    local.sin_family = sa_family_t(AF_INET)
    local.sin_addr.s_addr = inet_addr(source)
    let bound = withUnsafePointer(to: &local) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, connected == 0 else {
      close(fd)
      return nil
    }
    return fd
  }
}
