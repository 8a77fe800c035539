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
      let until = Deadline(seconds: 6)
      while !until.hasPassed {
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
      let port = client.port!
      // The blocking socket calls run on a thread of their own, not on the cooperative pool the
      // server's own idle timer needs (2 threads here: a blocked one delayed it past the limit).
      let (connected, read, waited) = await withCheckedContinuation { done in
        OwnThread.start(name: "idle client") { done.resume(returning: Self.idleClient(port: port)) }
      }
      #expect(connected)
      #expect(read == 0, "the server closed the connection")
      #expect(waited < 15, "within the idle timeout, not the test's own limit (\(waited) s)")
    }
  }

  /// Connects to `port` and sends nothing; the server must close its end, which reads as end of file
  /// here. Whether it connected, what recv returned, and the seconds recv waited (20 at most).
  static func idleClient(port: Int) -> (connected: Bool, read: Int, waited: Double) {
    guard let fd = PlainHTTP.connectSocket(port: port, timeout: 20) else { return (false, -1, 0) }
    defer { close(fd) }
    let start = ContinuousClock.now
    var byte: UInt8 = 0
    let read = recv(fd, &byte, 1, 0)
    return (true, read, (ContinuousClock.now - start) / .seconds(1))
  }
}

/// Signs in through the form from `source`, as a browser does: the form's CSRF cookie, then the
/// POST. The status of the POST (303 when signed in).
func formSignIn(port: Int, name: String, password: String, from source: String) -> Int? {
  guard let page = PlainHTTP.exchange("GET", port: port, path: "/login", from: source),
    let cookieLine = page.head.first(where: { $0.lowercased().hasPrefix("set-cookie: att_csrf=") }),
    let csrf = cookieLine.split(separator: "=", maxSplits: 1).last?.split(separator: ";").first
  else { return nil }
  let body = "name=\(name)&password=\(password.formEncoded)&csrf=\(csrf)"
  return PlainHTTP.exchange(
    "POST", port: port, path: "/login",
    headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": "att_csrf=\(csrf)"], body: Data(body.utf8),
    timeout: 30, from: source)?.status
}

@Suite("Sign-in that an attacker cannot turn against users", .testThreads)
struct SignInFairnessTests {
  @Test("wrong passwords from five addresses do not lock the owner out; one address's guesses wait longer each time")
  func noLockOut() {
    let limiter = LoginLimiter()
    let now = Date(timeIntervalSinceReferenceDate: 0)
    for n in 1...5 { limiter.recordFailure(LoginLimiter.keys(address: "10.0.0.\(n)", account: "ana"), now: now) }
    #expect(limiter.retryAfter(LoginLimiter.keys(address: "192.168.1.20", account: "ana"), now: now) == nil, "the owner's desk")
    // One address guessing one account: 5 free, then 1, 2, 4, 8 s ... (never a hard lock of 300 s at once).
    let keys = LoginLimiter.keys(address: "10.0.0.9", account: "vic")
    var waits: [Int] = []
    var t = now
    for _ in 0..<9 {
      limiter.recordFailure(keys, now: t)
      waits.append(limiter.retryAfter(keys, now: t) ?? 0)
      t = t.addingTimeInterval(Double(waits.last!))
    }
    #expect(waits == [0, 0, 0, 0, 1, 2, 4, 8, 16], "\(waits)")
    // The wait ends; the count is forgotten a quarter of an hour after the last failure.
    #expect(limiter.retryAfter(keys, now: t.addingTimeInterval(17)) == nil)
    // An address that scans many names is slowed too.
    for n in 0..<20 { limiter.recordFailure(LoginLimiter.keys(address: "10.9.9.9", account: "u\(n)"), now: now) }
    #expect(limiter.retryAfter(LoginLimiter.keys(address: "10.9.9.9", account: "new-name"), now: now) != nil)
  }

  @Test(
    "during a flood of 32 clients from rotating addresses, a user who has signed in before signs in 15 times: at least 14 succeed",
    .exclusive)
  func floodSparesKnownUsers() async throws {
    let python = "\(Checkout.root)/.venv-test/bin/python"
    try #require(FileManager.default.isExecutableFile(atPath: python), "run Scripts/setup-test-tools (make setup does)")
    let f = try Fixture(label: "fair-flood")
    let app = try buildApplication(f.settings())
    try await app.test(.live) { client in
      let port = client.port!
      #expect(formSignIn(port: port, name: "ana", password: Fixture.password, from: "127.0.0.1") == 303, "signed in before")
      let flood = try ToolRun.start(python, ["\(Checkout.root)/Scripts/signin-flood.py", "\(port)", "20", "32"])
      #expect(flood.waitFor(stdout: "started"))
      var statuses: [Int] = []
      for _ in 0..<15 {
        statuses.append(formSignIn(port: port, name: "ana", password: Fixture.password, from: "127.0.0.1") ?? 0)
      }
      flood.terminate()
      let answers = flood.wait().lines.last ?? ""
      print("sign-ins of a known user during the flood: \(statuses.filter { $0 == 303 }.count) of 15; the flood got \(answers)")
      #expect(statuses.filter { $0 == 303 }.count >= 14, "\(statuses); the flood got \(answers)")
    }
  }
}

@Suite("att-serve's edge: slow and malformed requests, connection caps, HEAD", .testThreads)
struct ConnectionEdgeTests {
  @Test("half a request head is closed after the head timeout; a malformed request gets 400 at once; HEAD answers like GET")
  func slowAndMalformed() async throws {
    let f = try Fixture(label: "edge")
    var settings = f.settings()
    settings.headTimeout = 1
    let app = try buildApplication(settings)
    try await app.test(.live) { client in
      let port = client.port!
      // Half a head: the server closes it (read as end of file), well before the idle timeout of 30 s.
      let fd = try #require(PlainHTTP.connectSocket(port: port, timeout: 20))
      defer { close(fd) }
      let half = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8)
      #expect(send(fd, half, half.count, 0) == half.count)
      let start = ContinuousClock.now
      var byte: UInt8 = 0
      #expect(recv(fd, &byte, 1, 0) == 0, "closed by the server")
      #expect((ContinuousClock.now - start) < .seconds(15))
      for malformed in [
        "GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\nHost x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      ] {
        let answer = PlainHTTP.raw(Array(malformed.utf8), port: port, timeout: 5)
        #expect(answer?.status == 400, "\(malformed.debugDescription): \(String(describing: answer?.head.first))")
      }
      let head = PlainHTTP.exchange("HEAD", port: port, path: "/healthz")
      #expect(head?.status == 200 && head?.body.isEmpty == true)
      #expect(head?.head.contains { $0.lowercased().hasPrefix("content-type: application/json") } == true)
    }
  }

  @Test("under ulimit -n 256, 400 half-open connections from one address: /healthz answers from another throughout, no crash")
  func lowDescriptorLimit() throws {
    let f = try Fixture(label: "edge-ulimit")
    let port = FreePort.pick(in: 17000...17999)
    let serve = try ToolRun.start(
      "/bin/bash",
      [
        "-c",
        "ulimit -n 256 && exec \(ToolRun.executable("att-serve")) --port \(port) --quiet --header-timeout 3 --db \(f.folder)/data/attendance.db --media \(f.folder)/media",
      ], in: f.folder, environment: ["SECRET_KEY": Fixture.secret])
    defer {
      serve.terminate()
      _ = serve.wait()
    }
    var up = false
    for _ in 0..<200 where !up {
      up = PlainHTTP.get(port: port, path: "/healthz")?.status == 200
      if !up { usleep(50_000) }
    }
    try #require(up, "att-serve answers")
    var held: [Int32] = []
    defer { held.forEach { close($0) } }
    var answered = 0
    for n in 0..<400 {
      if let fd = PlainHTTP.connectSocket(port: port, from: "127.0.0.77", timeout: 2) {
        let half = Array("GET /healthz HTTP/1.1\r\nHo".utf8)
        _ = send(fd, half, half.count, Int32(MSG_NOSIGNAL))
        held.append(fd)
      }
      if n % 50 == 0, PlainHTTP.get(port: port, path: "/healthz", timeout: 5, from: "127.0.0.1")?.status == 200 { answered += 1 }
    }
    #expect(answered == 8, "/healthz answered while the connections piled up")
    // Those over the caps were refused with 503, not left to pile up: each answer is waited for as
    // it comes (poll), since on a loaded machine the last ones may still be on their way.
    var refused = 0
    var waiting = held
    let deadline = DispatchTime.now() + 10
    while refused < 300 && !waiting.isEmpty && DispatchTime.now() < deadline {
      var fds = waiting.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      guard poll(&fds, nfds_t(fds.count), 200) > 0 else { continue }
      for entry in fds where entry.revents != 0 {
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = recv(entry.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        if n > 0, String(decoding: buffer[0..<n], as: UTF8.self).hasPrefix("HTTP/1.1 503") { refused += 1 }
        waiting.removeAll { $0 == entry.fd }
      }
    }
    #expect(refused >= 300, "\(refused) of \(held.count) held refused with 503")
    #expect(PlainHTTP.get(port: port, path: "/healthz", from: "127.0.0.1")?.status == 200)
    // After the head timeout the half-open ones are gone, and the server still runs.
    let stillOpen = held.filter { fd in
      var timeout = timeval(tv_sec: 10, tv_usec: 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
      var buffer = [UInt8](repeating: 0, count: 256)
      while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n == 0 { return false }  // closed
        if n < 0 { return errno == EAGAIN || errno == EWOULDBLOCK }  // a reset is closed too; a time-out is not
      }
    }
    #expect(stillOpen.isEmpty, "\(stillOpen.count) still open after the head timeout")
    #expect(PlainHTTP.get(port: port, path: "/healthz")?.status == 200, "no crash")
  }
}
