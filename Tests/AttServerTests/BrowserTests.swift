import AttTestSupport
import AttendanceKit
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import Testing

@testable import AttServer

/// Headless Chromium (Debian's package) driven over the DevTools protocol.
final class Chromium: @unchecked Sendable {
  let process = Process()
  let profile: String
  let debugPort: Int

  static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

  init(width: Int = 1280, height: Int = 1000) throws {
    profile = try Checkout.scratchFolder("chromium")
    process.executableURL = URL(fileURLWithPath: Self.path!)
    process.arguments = [
      "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
      "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=\(profile)",
      "--window-size=\(width),\(height)", "about:blank",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Chromium writes the port it chose to DevToolsActivePort.
    var port: Int?
    for _ in 0..<150 where port == nil {
      if let text = try? String(contentsOfFile: "\(profile)/DevToolsActivePort", encoding: .utf8),
        let first = text.split(separator: "\n").first
      {
        port = Int(first)
      }
      if port == nil { Thread.sleep(forTimeInterval: 0.1) }
    }
    guard let port else { throw Failure("Chromium did not open its DevTools port") }
    debugPort = port
  }

  deinit {
    process.terminate()
    process.waitUntilExit()
  }

  /// The DevTools WebSocket of the first page.
  func pageSocket() throws -> String {
    guard let (_, data) = PlainHTTP.get(port: debugPort, path: "/json/list") else { throw Failure("no answer from DevTools") }
    let targets = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    guard let page = targets.first(where: { $0["type"] as? String == "page" }),
      let url = page["webSocketDebuggerUrl"] as? String
    else { throw Failure("no page target in \(targets)") }
    return url
  }

  struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
  }
}

/// One DevTools session: commands by id, replies matched by id, events skipped.
final class DevTools: @unchecked Sendable {
  var iterator: WebSocketInboundMessageStream.AsyncIterator
  let outbound: WebSocketOutboundWriter
  var nextID = 0

  init(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) {
    iterator = inbound.messages(maxSize: 64 << 20).makeAsyncIterator()
    self.outbound = outbound
  }

  @discardableResult
  func call(_ method: String, _ params: [String: Any] = [:]) async throws -> [String: Any] {
    nextID += 1
    let id = nextID
    let request = try JSONSerialization.data(withJSONObject: ["id": id, "method": method, "params": params])
    try await outbound.write(.text(String(decoding: request, as: UTF8.self)))
    while let message = try await iterator.next() {
      guard case .text(let text) = message,
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], object["id"] as? Int == id
      else { continue }
      if let error = object["error"] { throw Chromium.Failure("\(method): \(error)") }
      return object["result"] as? [String: Any] ?? [:]
    }
    throw Chromium.Failure("DevTools connection closed during \(method)")
  }

  /// Evaluates JavaScript in the page and returns its value.
  func evaluate(_ expression: String) async throws -> Any? {
    let result = try await call("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
    return (result["result"] as? [String: Any])?["value"]
  }

  /// Polls an expression until it is true.
  func waitFor(_ expression: String, seconds: Double = 15) async throws -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
      if try await evaluate(expression) as? Bool == true { return true }
      try await Task.sleep(for: .milliseconds(100))
    }
    return false
  }

  func screenshot(to path: String) async throws -> Data {
    let result = try await call("Page.captureScreenshot", ["format": "png"])
    let data = Data(base64Encoded: result["data"] as? String ?? "") ?? Data()
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try data.write(to: URL(fileURLWithPath: path))
    return data
  }
}

@Suite("The dashboard in a real browser (headless Chromium)", .testThreads)
struct BrowserTests {
  static let artifacts = "\(Checkout.root)/.build/test-artifacts"

  @Test(
    "sign in, see a new arrival appear live without a reload, names shown as text; screenshots saved",
    .enabled(if: Chromium.path != nil, "needs Debian's chromium (Scripts/install-deps --with-browser; make test installs it)"))
  func dashboard() async throws {
    let f = try Fixture(label: "browser")
    let port = Int.random(in: 18000...18999)
    let server = try ToolRun.start(
      "att-serve",
      [
        "--port", "\(port)", "--db", "\(f.folder)/data/attendance.db", "--media", "\(f.folder)/media", "--late-after", "09:00",
        "--quiet",
      ],
      in: f.folder, environment: ["SECRET_KEY": Fixture.secret])
    defer {
      server.terminate()
      let stopped = server.wait()
      #expect(stopped.status == 0, "att-serve stops cleanly on SIGTERM: \(stopped.stderr)")
    }
    var up = false
    for _ in 0..<100 where !up {
      up = PlainHTTP.get(port: port, path: "/healthz")?.status == 200
      if !up { try await Task.sleep(for: .milliseconds(100)) }
    }
    try #require(up, "att-serve answers /healthz")

    let browser = try Chromium()
    try await WebSocketClient.connect(
      url: try browser.pageSocket(), configuration: .init(maxFrameSize: 64 << 20), logger: Logger(label: "devtools")
    ) { inbound, outbound, _ in
      let page = DevTools(inbound, outbound)
      try await page.call("Page.enable")
      try await page.call("Page.navigate", ["url": "http://127.0.0.1:\(port)/"])
      #expect(
        try await page.waitFor("location.pathname === '/login' && !!document.getElementById('signin')"), "redirected to sign in")
      try await page.evaluate(
        """
        document.getElementById('name').value = 'ana';
        document.getElementById('password').value = '\(Fixture.password)';
        document.querySelector('form').submit(); true
        """)
      #expect(try await page.waitFor("location.pathname === '/' && document.getElementById('live').textContent === 'live'"))
      #expect(try await page.evaluate("document.getElementById('who').textContent") as? String == "ana · admin")
      #expect(try await page.evaluate("document.querySelectorAll('#feed tr').length") as? Int == 0)

      // A camera's observation is committed: the row appears with no reload.
      try f.attend("21CS002", CapturedTime.string(from: Date()))
      #expect(try await page.waitFor("document.querySelectorAll('#feed tr').length === 1", seconds: 5))
      #expect(
        try await page.evaluate("document.querySelector('#feed tr').textContent.includes(\(jsString(Fixture.hostileName)))")
          as? Bool == true)
      #expect(
        try await page.evaluate("document.querySelectorAll('#feed img').length === 0 && window.pwned === undefined") as? Bool
          == true,
        "a name is text, never markup")
      #expect(try await page.waitFor("document.getElementById('n-present').textContent === '1'", seconds: 5), "the counts follow")

      // A camera reports its status: the cameras panel shows it online (read every 10 s), and an
      // admin names and places it from the page.
      var status = CameraStatus(deviceID: "gate-1", name: nil, sourceKind: .stream, interval: 5)
      status.framesPerSecond = 24.5
      try f.store.saveCameraStatus(status, reportedBy: "gate-1")
      #expect(
        try await page.waitFor(
          "[...document.querySelectorAll('#devices tr')].some(r => r.textContent.includes('gate-1') && r.querySelector('.state.online') && r.textContent.includes('24.5'))",
          seconds: 15), "the camera is online on the dashboard")
      try await page.evaluate(
        """
        document.getElementById('camera-id').value = 'gate-1';
        document.getElementById('camera-name').value = 'Main gate';
        document.getElementById('camera-location').value = 'Building A';
        document.getElementById('camera-form').requestSubmit(); true
        """)
      #expect(
        try await page.waitFor(
          "[...document.querySelectorAll('#devices tr')].some(r => r.textContent.includes('Main gate') && r.textContent.includes('Building A'))",
          seconds: 5), "the admin's name and location are shown")
      #expect(try f.count("SELECT count(*) FROM audit_log WHERE action = 'camera described'") == 1)
      let png = try await page.screenshot(to: "\(Self.artifacts)/dashboard.png")
      #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000)

      // On a phone-sized screen nothing runs off the side.
      try await page.call(
        "Emulation.setDeviceMetricsOverride", ["width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true])
      try await Task.sleep(for: .milliseconds(300))
      #expect(try await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1") as? Bool == true)
      _ = try await page.screenshot(to: "\(Self.artifacts)/dashboard-phone.png")
      try await outbound.close(.normalClosure, reason: nil)
    }
  }

  func jsString(_ text: String) -> String {
    String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
  }
}
