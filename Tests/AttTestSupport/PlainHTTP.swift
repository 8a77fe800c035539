import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A bare HTTP/1.1 GET over a socket on 127.0.0.1, for peers whose header spelling Foundation's
/// networking refuses (Chromium's DevTools endpoint writes "Content-Length:1428", with no space,
/// answers nothing to HTTP/1.0 and keeps the connection open): the body is read by its length.
public enum PlainHTTP {
  /// The status code and body, or nil when nothing answers.
  public static func get(port: Int, path: String, timeout: Double = 5) -> (status: Int, body: Data)? {
    request("GET", port: port, path: path, timeout: timeout)
  }

  /// Any method, with extra header lines (an API token) and no body.
  public static func request(
    _ method: String, port: Int, path: String, headers: [String: String] = [:], timeout: Double = 5
  ) -> (status: Int, body: Data)? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return nil }
    let extra = headers.map { "\($0.key): \($0.value)\r\n" }.joined()
    let request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\(extra)Connection: close\r\n\r\n".utf8)
    guard send(fd, request, request.count, 0) == request.count else { return nil }
    var response = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    var expected: Int?
    while expected.map({ response.count < $0 }) ?? true {
      let n = recv(fd, &buffer, buffer.count, 0)
      if n <= 0 { break }
      response.append(contentsOf: buffer[0..<n])
      if expected == nil, let split = response.range(of: Data("\r\n\r\n".utf8)) {
        let head = String(decoding: response[..<split.lowerBound], as: UTF8.self).lowercased()
        if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
          let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        {
          expected = split.upperBound + length
        }
      }
    }
    guard let split = response.range(of: Data("\r\n\r\n".utf8)) else { return nil }
    let head = String(decoding: response[..<split.lowerBound], as: UTF8.self)
    let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return (status, Data(response[split.upperBound...]))
  }
}
