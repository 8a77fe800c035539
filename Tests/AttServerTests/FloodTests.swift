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
