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

  init(width: Int = 1280, height: Int = 1000, zone: String = BrowserTests.zone) throws {
    profile = try Checkout.scratchFolder("chromium")
    process.executableURL = URL(fileURLWithPath: Self.path!)
    process.arguments = [
      "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
      "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=\(profile)",
      "--window-size=\(width),\(height)", "about:blank",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.environment = ProcessInfo.processInfo.environment.merging(["TZ": zone]) { $1 }
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
  @discardableResult
  func evaluate(_ expression: String) async throws -> Any? {
    let result = try await call("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
    return (result["result"] as? [String: Any])?["value"]
  }

  /// Polls an expression until it is true.
  func waitFor(_ expression: String, seconds: Double = 15) async throws -> Bool {
    let deadline = Deadline(seconds: seconds)
    while !deadline.hasPassed {
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

/// WCAG 2.1 contrast of every visible text in `root` (a CSS selector), measured in the page: the
/// text's colour against the first opaque background behind it. Returns the failures, as text.
/// Every state chip the page can show is measured too, whether or not today's data shows it: a
/// specimen of each is put in `root` for the measurement and taken out after.
enum Contrast {
  static let chipStates = [
    "present", "late", "manual", "excused", "absent", "not-expected", "not-yet", "online", "stale", "offline", "no-status",
  ]

  static func script(_ root: String) -> String {
    """
    (() => {
      const specimens = document.createElement('div');
      for (const state of \(jsString(chipStates.joined(separator: " "))).split(' ')) {
        const chip = document.createElement('span');
        chip.className = 'state ' + state;
        chip.textContent = state + ' 09:20';
        specimens.appendChild(chip);
      }
      document.querySelector(\(jsString(root))).appendChild(specimens);
      const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null; const p = m[1].split(',').map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
      const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
      const background = (e) => { for (; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a >= 0.99) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
      const failures = [];
      let checked = 0;
      for (const e of document.querySelectorAll(\(jsString(root)) + ' *')) {
        if (e.closest('svg') || e.closest('[hidden]')) continue;
        const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!own) continue;
        const style = getComputedStyle(e);
        const box = e.getBoundingClientRect();
        if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0) continue;
        if (e.closest('.visually-hidden')) continue;
        const fg = parse(style.color), bg = background(e);
        const a = lum(fg), b = lum(bg);
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
        const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
        checked++;
        if (ratio < needed) failures.push(e.tagName + '.' + e.className + ' "' + e.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2) + ':1');
      }
      specimens.remove();
      return JSON.stringify({ checked, failures });
    })()
    """
  }

  static func jsString(_ text: String) -> String { String(decoding: try! JSONEncoder().encode(text), as: UTF8.self) }
}

@Suite("The dashboard in a real browser (headless Chromium)", .testThreads, .serialized)
struct BrowserTests {
  static let artifacts = "\(Checkout.root)/.build/test-artifacts"
  /// The school's day and clock in these tests (never the wall clock): a Wednesday morning, after
  /// the 09:00 start (so that whoever has not come is absent), in the zone the server and the
  /// browser both run in.
  static let day = "2026-11-25"
  static let zone = "UTC"
  static let clockStart = "\(day)T09:30:00Z"
  /// A camera's timestamp on that day.
  static func at(_ clock: String) -> String { "\(day)T\(clock):00+00:00" }

  /// A real att-serve over the fixture's database, stopped (and checked to stop cleanly) after `body`.
  func withServer(_ f: Fixture, _ body: (Int) async throws -> Void) async throws {
    let port = FreePort.pick(in: 18000...18999)
    let server = try ToolRun.start(
      "att-serve",
      [
        "--port", "\(port)", "--db", "\(f.folder)/data/attendance.db", "--media", "\(f.folder)/media", "--late-after", "09:00",
        "--quiet", "--clock-start", Self.clockStart, "--time-zone", Self.zone,
      ],
      in: f.folder, environment: ["SECRET_KEY": Fixture.secret, "TZ": Self.zone])
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
    try await body(port)
  }

  /// Signs `name` in through the form, in a fresh headless Chromium of `width` x `height`.
  func withPage(
    port: Int, name: String, width: Int = 1366, height: Int = 900, zone: String = BrowserTests.zone, rosterSize: Int = 3,
    _ body: @escaping @Sendable (DevTools) async throws -> Void
  )
    async throws
  {
    let browser = try Chromium(width: width, height: height, zone: zone)
    try await WebSocketClient.connect(
      url: try browser.pageSocket(), configuration: .init(maxFrameSize: 64 << 20), logger: Logger(label: "devtools")
    ) { inbound, outbound, _ in
      let page = DevTools(inbound, outbound)
      try await page.call("Page.enable")
      try await page.call(
        "Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false])
      try await page.call("Page.navigate", ["url": "http://127.0.0.1:\(port)/"])
      #expect(
        try await page.waitFor("location.pathname === '/login' && !!document.getElementById('signin')"), "redirected to sign in")
      // A wrong password first: the name stays filled in.
      try await page.evaluate(
        """
        document.getElementById('name').value = '\(name)';
        document.getElementById('password').value = 'wrong password';
        document.querySelector('form').submit(); true
        """)
      #expect(
        try await page.waitFor(
          "!!document.querySelector('.error') && document.getElementById('name').value === '\(name)' && document.activeElement.id === 'password'"
        ),
        "a failed sign-in keeps the name and puts the focus on the password")
      try await page.evaluate(
        """
        document.getElementById('password').value = '\(Fixture.password)';
        document.querySelector('form').submit(); true
        """)
      #expect(try await page.waitFor("location.pathname === '/' && document.getElementById('live').textContent === 'live'"))
      #expect(try await page.waitFor("document.querySelectorAll('#roster li').length === \(rosterSize)"), "the roster is shown")
      try await body(page)
      try await outbound.close(.normalClosure, reason: nil)
    }
  }

  func contrast(_ page: DevTools, _ root: String, _ label: String) async throws {
    let text = try await page.evaluate(Contrast.script(root)) as? String ?? "{}"
    let result = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    #expect((result["checked"] as? Int ?? 0) > 10, "\(label): texts were measured")
    #expect((result["failures"] as? [String] ?? ["?"]).isEmpty, "\(label): WCAG AA contrast: \(result["failures"] ?? "")")
  }

  @Test(
    "an admin's morning: the roster, a live arrival announced, marking present and undoing it, the person page in view, the calendar changing the absent count; contrast measured; screenshots at 1366x900 and 390x844",
    .enabled(if: Chromium.path != nil, "needs Debian's chromium (Scripts/install-deps --with-browser; make test installs it)"))
  func adminMorning() async throws {
    let f = try Fixture(label: "browser")
    try await withServer(f) { port in
      try await withPage(port: port, name: "ana") { page in
        #expect(try await page.evaluate("document.getElementById('who').textContent") as? String == "ana · admin")
        #expect(try await page.evaluate("document.getElementById('n-absent').textContent") as? String == "3")
        #expect(
          try await page.evaluate("document.getElementById('roster-h').textContent") as? String
            == "Today, Wednesday \(Self.day) · all classes", "the server's day, not the wall clock's")

        // A camera's observation is committed: the row appears with no reload, and is announced.
        try f.attend("21CS002", Self.at("08:31"))
        #expect(try await page.waitFor("document.querySelectorAll('#feed tr').length === 1", seconds: 5))
        #expect(
          try await page.waitFor(
            "document.getElementById('announce').textContent.startsWith('Arrived: ') && document.getElementById('announce').textContent.includes(\(jsString(Fixture.hostileName)))",
            seconds: 5), "the arrival is announced (aria-live)")
        #expect(try await page.evaluate("document.getElementById('announce').getAttribute('aria-live')") as? String == "polite")
        #expect(
          try await page.evaluate(
            "document.querySelectorAll('#feed img, #roster img').length === 0 && window.pwned === undefined")
            as? Bool == true, "a name is text, never markup")
        #expect(
          try await page.waitFor("document.getElementById('n-present').textContent === '1'", seconds: 5), "the counts follow")

        // Mark Barack Obama present with a note, from his chip; then undo it from the toast.
        let obama = "document.querySelector('#roster li[data-person=\"21CS001\"]')"
        try await page.evaluate("\(obama).querySelector('.correct').click(); true")
        #expect(try await page.waitFor("document.getElementById('correction').open"))
        try await page.evaluate(
          """
          document.getElementById('mark-time').value = '08:40';
          document.getElementById('mark-note').value = 'the camera was off';
          document.getElementById('mark-button').click(); true
          """)
        #expect(try await page.waitFor("\(obama) && \(obama).dataset.state === 'manual'", seconds: 5), "marked present by hand")
        #expect(try await page.waitFor("!document.getElementById('toast').hidden"))
        #expect(
          try await page.waitFor(
            "[...document.querySelectorAll('#feed tr')].some(r => r.textContent.includes('by hand (ana): the camera was off'))"),
          "the arrivals say who marked it and why")
        #expect(
          try f.count(
            "SELECT count(*) FROM attendance WHERE person_id = '21CS001' AND marked_by = 'ana' AND note = 'the camera was off'")
            == 1)
        _ = try await page.screenshot(to: "\(Self.artifacts)/dashboard-marked.png")
        try await page.evaluate("document.getElementById('toast-undo').click(); true")
        #expect(try await page.waitFor("\(obama).dataset.state === 'absent'", seconds: 5), "undone")
        #expect(
          try f.count(
            "SELECT count(*) FROM audit_log WHERE actor = 'ana' AND action IN ('attendance added', 'attendance deleted')") == 2)
        #expect(try await page.waitFor("document.querySelectorAll('#audit tr').length >= 2"), "the audit log is on the page")

        // The person page opens in view, with headers and the attendance rate.
        try await page.evaluate("\(obama).querySelector('.chip').click(); true")
        #expect(
          try await page.waitFor(
            "document.getElementById('person').open && document.getElementById('person-h').textContent === 'Barack Obama (21CS001)'"
          ))
        #expect(
          try await page.evaluate(
            "(() => { const r = document.getElementById('person-h').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()"
          )
            as? Bool == true, "the person page is in view")
        #expect(
          try await page.evaluate("[...document.querySelectorAll('#person th')].map(t => t.textContent).join(',')") as? String
            == "Day,State,Arrived,Camera,Note")
        #expect(
          try await page.evaluate("document.getElementById('remove-what').textContent.includes('face image')") as? Bool == true)
        try await contrast(page, "#person", "the person page")
        _ = try await page.screenshot(to: "\(Self.artifacts)/dashboard-person.png")
        try await page.evaluate("document.querySelector('#person [data-close]').click(); true")

        // An unknown face with its snapshot: the admin sees it and enrols it as a new person.
        try f.unknownFace(photo: "grace_hopper.jpg")
        #expect(
          try await page.waitFor(
            "[...document.querySelectorAll('#unknown img.face')].some(i => i.complete && i.naturalWidth > 0)", seconds: 5),
          "the snapshot is shown to an admin")
        try await page.evaluate("document.querySelector('#unknown tr button').click(); true")
        #expect(
          try await page.waitFor(
            "document.getElementById('unknown-dialog').open && document.getElementById('unknown-photo').naturalWidth > 0"))
        #expect(
          try await page.evaluate("document.getElementById('assign-person').value") as? String == "21CS001",
          "the nearest person is offered")
        _ = try await page.screenshot(to: "\(Self.artifacts)/dashboard-unknown.png")
        try await page.evaluate(
          """
          document.getElementById('enrol-id').value = '21CS009';
          document.getElementById('enrol-name').value = 'Grace Hopper';
          document.getElementById('enrol-class').value = 'CS';
          document.getElementById('enrol-button').click(); true
          """)
        #expect(
          try await page.waitFor("document.querySelectorAll('#roster li').length === 4", seconds: 5), "she is on the roster")
        #expect(try f.store.person("21CS009")?.samples == 1)
        // The answer comes once her embedding is made (the models load on first use: a while on a busy machine).
        #expect(
          try await page.waitFor("document.getElementById('toast-text').textContent.includes('recognisable now')", seconds: 60),
          "the page says she is recognisable")
        #expect(try f.store.person("21CS009")?.embeddings == 1, "att-serve made her embedding: cameras know her at once")
        #expect(try await page.waitFor("document.getElementById('unknown-empty').hidden === false"), "and no longer unknown")

        // A camera marks 21EE001 with its crop (att-take --snapshots). The admin checks the arrival's
        // face against the enrolment photo: not them (someone held up a phone with another face?),
        // and deletes the record from there.
        try f.attend("21EE001", Self.at("08:50"), classID: "EE", photo: "joe_biden/biden.jpg", live: "live: solid head motion")
        let ee = "document.querySelector('#roster li[data-person=\"21EE001\"]')"
        #expect(
          try await page.waitFor(
            "[...document.querySelectorAll('#feed img.face')].some(i => i.complete && i.naturalWidth > 0) && \(ee).dataset.state === 'present'",
            seconds: 15), "the arrival's face is shown to an admin")
        try await page.evaluate("document.querySelector('#feed button.face').click(); true")
        #expect(
          try await page.waitFor(
            "document.getElementById('correction').open && !document.getElementById('correction-faces').hidden && document.getElementById('correction-seen').naturalWidth > 0 && document.getElementById('correction-enrolled').naturalWidth > 0",
            seconds: 15), "the camera's crop beside the enrolment photo")
        #expect(
          try await page.waitFor(
            "document.getElementById('correction-seen-label').textContent.endsWith('08:50 (live: solid head motion)')"),
          "the camera, the time and why it judged the face live")
        _ = try await page.screenshot(to: "\(Self.artifacts)/dashboard-arrival-check.png")
        try await page.evaluate(
          "document.getElementById('delete-button').click(); document.getElementById('delete-button').click(); true")
        #expect(try await page.waitFor("\(ee).dataset.state === 'absent'", seconds: 5), "the wrong record is deleted")
        #expect(try f.count("SELECT count(*) FROM attendance WHERE person_id = '21EE001'") == 0)

        // Today stops being a school day: nobody is absent any more.
        try await page.evaluate(
          """
          (() => { const today = (new Date(document.getElementById('day').value + 'T12:00:00Z').getUTCDay() + 6) % 7 + 1;
            document.querySelector('#weekdays input[data-weekday="' + today + '"]').checked = false;
            document.getElementById('calendar-form').requestSubmit(); return true; })()
          """)
        #expect(
          try await page.waitFor("document.getElementById('n-absent').textContent === '0'", seconds: 5),
          "the calendar changes the absent count")
        #expect(
          try await page.evaluate("document.getElementById('roster-note').textContent.includes('Not a school day')") as? Bool
            == true)
        try await page.evaluate(
          "document.querySelectorAll('#weekdays input').forEach(b => b.checked = true); document.getElementById('calendar-form').requestSubmit(); true"
        )
        #expect(try await page.waitFor("document.getElementById('n-absent').textContent === '3'", seconds: 5))

        // The gate refused Barack Obama's face as an attack; the admin sees the crop, knows he is in
        // (a live pupil refused by mistake) and marks him present at the moment the gate saw him.
        try f.refusal("21CS001", at: Self.at("08:45"), photo: "barack_obama/obama-480p.jpg")
        #expect(
          try await page.waitFor(
            "[...document.querySelectorAll('#refused img.face')].some(i => i.complete && i.naturalWidth > 0)", seconds: 5),
          "the refused face is shown to an admin")
        #expect(
          try await page.evaluate("document.querySelector('#refused tr').textContent.includes('voted an attack: a screen')")
            as? Bool == true, "with the reason")
        try await page.evaluate("document.getElementById('refused-h').scrollIntoView(); true")
        _ = try await page.screenshot(to: "\(Self.artifacts)/dashboard-refused.png")
        try await page.evaluate("document.querySelector('#refused tr button').click(); true")
        #expect(
          try await page.waitFor(
            "\(obama).dataset.state === 'manual' && document.getElementById('refused-empty').hidden === false", seconds: 5),
          "marked present from the review, and no longer listed")
        // The review counts: the live pupil refused, the camera's mark deleted above.
        #expect(
          try await page.waitFor(
            "['the cameras marked 1 arrival (1 with no reason kept); 1 mark was deleted on review', '1 marked present on review (live people refused, 50% of 2 live people judged), 0 dismissed, 0 waiting for review', 'By camera: cam-1 0 live refused of 1 judged, 0 not marked, 1 marks deleted; gate 1 live refused of 1 judged, 1 not marked, 0 marks deleted.'].every(t => document.getElementById('liveness-summary').textContent.includes(t))",
            seconds: 5), "the review's summary")

        // The day's camera marks, side by side with the enrolment photos: a mark of Joe Biden's id
        // with Obama's face (a friend's phone?) is deleted from the grid, in two clicks.
        try f.attend(
          "21CS002", Self.at("08:05"), classID: nil, device: "gate", photo: "barack_obama/obama-480p.jpg",
          live: "live: solid head motion")
        try await page.evaluate("document.getElementById('check-show').click(); true")
        let tile = "document.querySelector('#check-grid li')"
        #expect(
          try await page.waitFor(
            "\(tile) && [...\(tile).querySelectorAll('img')].every(i => i.complete && i.naturalWidth > 0) && \(tile).textContent.includes('08:05, gate: live: solid head motion')",
            seconds: 15), "the camera's crop beside the enrolment photo, with why it was judged live")
        try await page.evaluate("document.getElementById('check-wrap').scrollIntoView(); true")
        _ = try await page.screenshot(to: "\(Self.artifacts)/dashboard-check-marks.png")
        try await page.evaluate("\(tile).querySelector('button').click(); true")
        #expect(try await page.waitFor("\(tile).querySelector('button').textContent.startsWith('Really delete')"))
        try await page.evaluate("\(tile).querySelector('button').click(); true")
        #expect(
          try await page.waitFor("document.getElementById('check-note').textContent.startsWith('No camera mark')", seconds: 5),
          "the wrong mark is gone from the grid")
        #expect(
          try f.count(
            "SELECT count(*) FROM audit_log WHERE action = 'attendance deleted' AND details LIKE '%not them: checked against the enrolment photo%'"
          )
            == 1)
        // A never-live track of Joe, who is marked that day: off the list, shown on request.
        try f.refusal(
          "21CS002", at: Self.at("08:20"), verdict: .notMarked, photo: "joe_biden/biden2.jpg", reason: "never live")
        let more = "document.getElementById('refused-more')"
        #expect(
          try await page.waitFor(
            "!\(more).hidden && \(more).textContent.startsWith('Show the 1 never judged live')", seconds: 15),
          "the hidden refusal is offered")
        #expect(try await page.evaluate("document.querySelectorAll('#refused tr').length") as? Int == 0)
        try await page.evaluate("\(more).click(); true")
        #expect(
          try await page.waitFor(
            "document.querySelectorAll('#refused tr').length === 1 && document.querySelector('#refused tr').textContent.includes('marked present that day since')",
            seconds: 5), "the never-live track, with its face, on request")
        try await page.evaluate("\(more).click(); true")
        #expect(try await page.waitFor("document.querySelectorAll('#refused tr').length === 0", seconds: 5))
        #expect(
          try f.count(
            "SELECT count(*) FROM attendance WHERE person_id = '21CS001' AND marked_by = 'ana' AND captured_at LIKE '%T08:45:%'")
            == 1)

        // A camera reports its status: the cameras panel shows it online (read every 10 s), and an
        // admin names and places it from the page.
        var status = CameraStatus(deviceID: "gate-1", name: nil, sourceKind: .stream, interval: 5)
        status.framesPerSecond = 24.5
        status.livenessPolicy = .off
        try f.store.saveCameraStatus(status, reportedBy: "gate-1")
        #expect(
          try await page.waitFor(
            "[...document.querySelectorAll('#devices tr')].some(r => r.textContent.includes('gate-1') && r.querySelector('.state.online') && r.textContent.includes('24.5') && (r.querySelector('.liveness-off') || {}).textContent === 'OFF: photos and screens held up are marked')",
            seconds: 15), "the camera is online on the dashboard, its liveness off in plain sight")
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
        #expect(
          try await page.evaluate(
            "(() => { const t = document.querySelector('#feed').closest('table'); return t.scrollWidth <= t.parentElement.clientWidth + 1; })()"
          )
            as? Bool == true, "the arrivals table shows every column at 1366 px")
        // A pupil of the other class arrives after the start: the chip says late, and is readable.
        try f.attend("21EE001", Self.at("09:20"), classID: "EE")
        #expect(
          try await page.waitFor(
            "(document.querySelector('#roster li[data-person=\"21EE001\"] .state.late') || {}).textContent === 'late 09:20'",
            seconds: 5), "a late arrival's chip")
        try await contrast(page, "body", "the dashboard")
        let png = try await page.screenshot(to: "\(Self.artifacts)/dashboard.png")
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000)

        // On a phone-sized screen nothing runs off the side.
        try await page.call(
          "Emulation.setDeviceMetricsOverride", ["width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true])
        #expect(try await page.waitFor("document.documentElement.scrollWidth <= window.innerWidth + 1"))
        _ = try await page.screenshot(to: "\(Self.artifacts)/dashboard-phone.png")
      }
    }
  }

  @Test(
    "a viewer sees the roster and the person page, and no correction control, audit log or image",
    .enabled(if: Chromium.path != nil, "needs Debian's chromium (Scripts/install-deps --with-browser; make test installs it)"))
  func viewer() async throws {
    let f = try Fixture(label: "browser-viewer")
    try f.attend("21CS001", Self.at("08:20"), photo: "barack_obama/obama-240p.jpg")
    try f.unknownFace(photo: "grace_hopper.jpg")
    try f.refusal("21EE001", at: Self.at("08:10"), photo: "barack_obama/obama-480p.jpg")
    try await withServer(f) { port in
      // A browser on the other side of the world: the page shows the school's times all the same.
      try await withPage(port: port, name: "vic", width: 390, height: 844, zone: "Pacific/Auckland") { page in
        #expect(try await page.evaluate("document.getElementById('who').textContent") as? String == "vic · viewer")
        #expect(try await page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") as? String == "Pacific/Auckland")
        #expect(try await page.evaluate("document.getElementById('zone').textContent") as? String == "school time: UTC")
        #expect(
          try await page.evaluate("document.querySelector('#roster li[data-person=\"21CS001\"] .state').textContent") as? String
            == "present 08:20", "the arrival in school time")
        #expect(
          try await page.evaluate("document.querySelectorAll('#roster .correct').length") as? Int == 0, "no correction controls")
        #expect(
          try await page.waitFor("document.querySelectorAll('#unknown tr').length === 1"),
          "the unknown face is listed, without its face")
        #expect(try await page.evaluate("document.querySelectorAll('#unknown button, #unknown img').length") as? Int == 0)
        #expect(
          try await page.waitFor("document.querySelectorAll('#refused tr').length === 1"),
          "a refusal is listed, without its face or a way to review it")
        #expect(try await page.evaluate("document.querySelectorAll('#refused button, #refused img').length") as? Int == 0)
        #expect(
          try await page.evaluate(
            "document.querySelectorAll('#feed tr').length === 1 && document.querySelectorAll('#feed img').length === 0")
            as? Bool == true, "an arrival's face is for admins")
        #expect(
          try await page.waitFor(
            "(document.querySelector('#roster li[data-person=\"21EE001\"] .refused') || {}).textContent === 'refused by liveness 08:10'"
          ), "the roster says the cameras saw him but did not mark him")
        #expect(try await page.evaluate("document.getElementById('audit-section').hidden") as? Bool == true)
        #expect(
          try await page.evaluate(
            "[...document.querySelectorAll('#calendar-form input')].every(i => i.disabled || i.closest('[hidden]'))") as? Bool
            == true)
        try await page.evaluate("document.querySelector('#roster li[data-person=\"21CS001\"] .chip').click(); true")
        #expect(try await page.waitFor("document.getElementById('person').open"))
        #expect(try await page.evaluate("document.getElementById('person-admin').hidden") as? Bool == true, "no rename or remove")
        #expect(
          try await page.evaluate("[...document.images].every(i => !i.getAttribute('src'))") as? Bool == true,
          "no biometric image reaches a viewer")
        #expect(
          try await page.evaluate("fetch('/api/people/21CS001/photo').then(r => r.status)") as? Int == 403,
          "and the server refuses a viewer the photo")
        #expect(try await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1") as? Bool == true)
        _ = try await page.screenshot(to: "\(Self.artifacts)/dashboard-viewer-phone.png")
        // The filters are in the address: a reload (or a shared link) keeps the class.
        try await page.evaluate("document.querySelector('#person [data-close]').click(); true")
        try await page.evaluate(
          "document.getElementById('class').value = 'CS'; document.getElementById('class').dispatchEvent(new Event('change')); true"
        )
        #expect(try await page.waitFor("location.search.includes('class=CS')"))
        try await page.call("Page.reload")
        #expect(
          try await page.waitFor(
            "!!document.getElementById('class') && document.getElementById('class').value === 'CS' && document.getElementById('roster-h').textContent.endsWith('CS')"
          ), "the class survives a reload")
      }
    }
  }

  func jsString(_ text: String) -> String {
    String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
  }
}
