import AttTestSupport
import AttendanceKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AttServer

@Suite("att-serve under a flood of sign-ins", .testThreads)
struct FloodTests {
  @Test(
    "32 clients flood the sign-in with made-up names from rotating addresses: /healthz stays under 100 ms, the flood gets answers",
    .exclusive)
  func signInFlood() async throws {
    let python = "\(Checkout.root)/.venv-test/bin/python"
    try #require(FileManager.default.isExecutableFile(atPath: python), "run Scripts/setup-test-tools (make setup does)")
    let f = try Fixture(label: "flood")
    let app = try buildApplication(f.settings())
    try await app.test(.live) { client in
      let port = client.port!
      // 32 clients, each from addresses of its own and with made-up names (Scripts/signin-flood.py).
      let flood = try ToolRun.start(python, ["\(Checkout.root)/Scripts/signin-flood.py", "\(port)", "8", "32"])
      #expect(flood.waitFor(stdout: "started"))
      // /healthz, one request after another, while the flood runs.
      var samples: [Double] = []
      var failures = 0
      let until = Date(timeIntervalSinceNow: 6)
      while Date() < until {
        let start = ContinuousClock.now
        let answer = PlainHTTP.get(port: port, path: "/healthz", timeout: 10)
        samples.append((ContinuousClock.now - start) / .milliseconds(1))
        if answer?.status != 200 { failures += 1 }
        try await Task.sleep(for: .milliseconds(50))  // pacing: the probe itself is not part of the load
      }
      let result = flood.wait()
      let summary = (try? JSONSerialization.jsonObject(with: Data((result.lines.last ?? "{}").utf8)) as? [String: Any]) ?? [:]
      let statuses = summary["answers"] as? [String: Int] ?? [:]
      samples.sort()
      let p95 = samples[Int(Double(samples.count - 1) * 0.95)]
      let report = String(
        format: "healthz over %d samples: median %.1f ms, p95 %.1f ms, max %.1f ms; sign-in answers %@", samples.count,
        samples[samples.count / 2], p95, samples.last!, statuses.description)
      print(report)
      #expect(failures == 0, "\(report)")
      #expect(samples.count >= 40, "\(report)")
      #expect(p95 < 100, "\(report)")
      #expect((statuses["401"] ?? 0) > 0, "password checks ran: \(report)")
      #expect((statuses["503"] ?? 0) > 0, "the line was full and the rest were told to retry: \(report)")
      #expect(statuses.keys.allSatisfy { ["401", "503"].contains($0) }, "no other answer, no error: \(report)")
    }
  }
}

@Suite("att-serve and idle connections", .testThreads)
struct IdleConnectionTests {
  @Test("a client that connects and sends nothing is disconnected after the idle timeout")
  func halfOpen() async throws {
    let f = try Fixture(label: "idle")
    var settings = f.settings()
    settings.idleTimeout = 1
    let app = try buildApplication(settings)
    try await app.test(.live) { client in
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      defer { close(fd) }
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = in_port_t(UInt16(client.port!).bigEndian)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
      }
      #expect(connected == 0)
      // Nothing is sent; the server must close its end, which reads as end of file here.
      var limit = timeval(tv_sec: 20, tv_usec: 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
      let start = ContinuousClock.now
      var byte: UInt8 = 0
      let read = recv(fd, &byte, 1, 0)
      let waited = (ContinuousClock.now - start) / .seconds(1)
      #expect(read == 0, "the server closed the connection")
      #expect(waited < 15, "within the idle timeout, not the test's own limit (\(waited) s)")
    }
  }
}
