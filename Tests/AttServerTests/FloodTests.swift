import AttTestSupport
import AttendanceKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AttServer

@Suite("att-serve under a flood of sign-ins", .testThreads)
struct FloodTests {
  /// 32 clients, each from addresses of its own in 127.0.0.0/8 and with made-up names (so neither
  /// the per-address nor the per-account limit stops them), sign in as fast as they are answered.
  static let flood = """
    import http.client, json, sys, threading, time, urllib.parse, uuid
    port, seconds, clients = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    stop = time.time() + seconds
    statuses, lock = {}, threading.Lock()
    def client(i):
        n = 0
        while time.time() < stop:
            source = "127.%d.%d.%d" % (1 + i, n // 250 % 250, 1 + n % 250)
            n += 1
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
                c.request("GET", "/login")
                r = c.getresponse(); r.read()
                csrf = r.getheader("Set-Cookie").split("att_csrf=")[1].split(";")[0]
                form = urllib.parse.urlencode({"name": "u" + uuid.uuid4().hex[:10], "password": "guess-" + uuid.uuid4().hex, "csrf": csrf})
                c.request("POST", "/login", body=form, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": "att_csrf=" + csrf})
                r = c.getresponse(); r.read(); c.close()
                status = r.status
            except Exception as e:
                status = type(e).__name__
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads: t.start()
    print("started", flush=True)
    for t in threads: t.join()
    print(json.dumps({str(k): v for k, v in statuses.items()}), flush=True)
    """

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
      let flood = try ToolRun.start(python, ["-c", Self.flood, "\(port)", "8", "32"])
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
      let statuses =
        (try? JSONSerialization.jsonObject(with: Data((result.lines.last ?? "{}").utf8)) as? [String: Int]) ?? [:]
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
