import Foundation
import Synchronization

/// TCP ports for the servers and brokers a test starts: free when picked (nothing is bound to them
/// on any address), and never handed out twice in one test process. A random port could land on a
/// node a crashed run left behind, and the test would then fail on someone else's broker.
public enum FreePort {
  private static let handedOut = Mutex<Set<Int>>([])

  /// A port in `range` that is free, as is each `port + offset` of `alsoFree` (a broker's
  /// distribution port, its TLS listener).
  public static func pick(in range: ClosedRange<Int>, alsoFree offsets: [Int] = []) -> Int {
    for _ in 0..<500 {
      let port = Int.random(in: range)
      let ports = [port] + offsets.map { port + $0 }
      let taken = handedOut.withLock { used in
        if ports.contains(where: used.contains) { return true }
        used.formUnion(ports)
        return false
      }
      if taken { continue }
      if ports.allSatisfy(isFree) { return port }
    }
    fatalError("no free port in \(range) (with offsets \(offsets)) after 500 tries")
  }

  /// True when a socket can be bound to the port on every address (a listener on 127.0.0.1 or on
  /// 0.0.0.0 makes it fail, as does a connection still in TIME_WAIT: either way, not this one).
  static func isFree(_ port: Int) -> Bool {
    guard (1...65535).contains(port) else { return false }
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr = in_addr(s_addr: INADDR_ANY)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return bound == 0
  }
}
