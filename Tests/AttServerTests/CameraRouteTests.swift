import AttTestSupport
import AttendanceKit
import FaceKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AttServer

@Suite("att-serve's camera routes: the gallery over the wire, camera status, the camera role", .testThreads)
struct CameraRouteTests {
  func cameraToken(_ f: Fixture, _ name: String = "gate-1") throws -> String {
    try Accounts(store: f.store).addToken(name, role: .camera)
  }

  /// The fixture's photos turned into embeddings, as att-extract (or att-worker) would.
  func embed(_ f: Fixture) throws {
    var update = EmbeddingUpdate(store: f.store, media: f.handler.media, models: ModelSet(directory: Checkout.models))
    update.workers = 2
    let summary = try update.run()
    #expect(summary.failed == 0)
  }

  func decode(_ buffer: ByteBuffer) throws -> GalleryUpdate {
    try JSONDecoder().decode(GalleryUpdate.self, from: Data(buffer.readableBytesView))
  }

  @Test("a camera token reads the gallery and posts status, nothing else; viewers and admins cannot read the gallery")
  func cameraRole() async throws {
    let f = try Fixture()
    let camera = try cameraToken(f)
    let app = try buildApplication(f.settings())
    try await app.test(.router) { client in
      for path in [
        "/api/people", "/api/people/21CS001", "/api/attendance", "/api/summary", "/api/devices", "/api/unknown-faces",
        "/api/export/summary.csv", "/api/export/events.csv", "/metrics", "/", "/dashboard.js", "/api/me", "/api/audit",
      ] {
        try await client.execute(uri: path, method: .get, headers: .bearer(camera)) {
          #expect($0.status == .forbidden, "\(path)")
          #expect(String(buffer: $0.body).contains("a camera token may only read"), "\(path)")
        }
      }
      try await client.execute(uri: "/api/people/21CS001", method: .delete, headers: .bearer(camera)) {
        #expect($0.status == .forbidden)
      }
      for token in [f.viewerToken, f.adminToken] {
        try await client.execute(uri: "/api/gallery", method: .get, headers: .bearer(token)) { #expect($0.status == .forbidden) }
        try await client.execute(
          uri: "/api/devices/status", method: .post, headers: .bearer(token), body: ByteBuffer(string: "{}")
        ) { #expect($0.status == .forbidden) }
      }
      try await client.execute(uri: "/api/gallery", method: .get, headers: .bearer(camera)) { #expect($0.status == .ok) }
    }
    #expect(try f.count("SELECT count(*) FROM people WHERE active = 1") == 3)
    // The camera role is for tokens: no one signs in to the dashboard as a camera.
    #expect(throws: Accounts.AccountError.cameraAccount) {
      try Accounts(store: f.store).addUser("cam", password: Fixture.password, role: .camera)
    }
  }

  @Test("the gallery: whole at first, then only the people who changed, 304 when the camera has the newest, removals named")
  func versions() async throws {
    let f = try Fixture()
    try embed(f)
    let camera = try cameraToken(f)
    let app = try buildApplication(f.settings())
    try await app.test(.router) { client in
      let first = try await client.execute(uri: "/api/gallery", method: .get, headers: .bearer(camera)) {
        #expect($0.status == .ok)
        #expect($0.headers[.contentType] == "application/json")
        return try decode($0.body)
      }
      #expect(first.full && first.model == EmbeddingModel.standard.id)
      try #require(first.people.map(\.id) == ["21CS001", "21CS002", "21EE001"])
      #expect(first.people.allSatisfy { $0.embeddings.count == 1 && $0.embeddings[0].count == 512 })
      #expect(first.people[1].name == Fixture.hostileName)
      let stored = try f.store.reader { db in
        try Data.fetchOne(
          db, sql: "SELECT e.vector FROM embeddings e JOIN face_samples s ON s.id = e.sample_id WHERE s.person_id = '21CS001'")
      }
      #expect(first.people[0].embeddings[0] == stored, "the stored bytes, unchanged")
      let version = first.galleryVersion

      try await client.execute(uri: "/api/gallery?since=\(version)", method: .get, headers: .bearer(camera)) {
        #expect($0.status == .notModified)
        #expect($0.headers[.eTag] == "\"\(version):\(EmbeddingModel.standard.id)\"")
      }
      try await client.execute(
        uri: "/api/gallery", method: .get,
        headers: .bearer(camera) + [.ifNoneMatch: "\"\(version):\(EmbeddingModel.standard.id)\""]
      ) { #expect($0.status == .notModified) }

      // A rename, a new person and a removal: the delta names exactly those three.
      _ = try f.handler.apply(.renamePerson(RenamePersonMessage(personID: "21CS001", name: "Barack H. Obama")))
      try f.register("21CS003", "Kit Harington", photos: "kit_harington", classID: "CS")
      try embed(f)
      _ = try f.handler.apply(.removePerson(RemovePersonMessage(personID: "21CS002", keepAttendance: false)))
      let delta = try await client.execute(uri: "/api/gallery?since=\(version)", method: .get, headers: .bearer(camera)) {
        #expect($0.status == .ok)
        return try decode($0.body)
      }
      #expect(!delta.full)
      try #require(delta.people.map(\.id) == ["21CS001", "21CS003"])
      #expect(delta.people[0].name == "Barack H. Obama")
      #expect(delta.removed == ["21CS002"])
      #expect(delta.version > version.sequence)
      let merged = try delta.applied(to: first)
      #expect(merged.people.map(\.id) == ["21CS001", "21CS003", "21EE001"])
      #expect(!merged.people.contains { $0.id == "21CS002" })
      let fresh = try await client.execute(uri: "/api/gallery", method: .get, headers: .bearer(camera)) { try decode($0.body) }
      #expect(merged.people == fresh.people, "the delta applied to the first gallery is the gallery now")

      // Another database's version, or one from the future: the whole gallery.
      for other in ["0123abcd:1", "\(version.gallery):999999"] {
        try await client.execute(uri: "/api/gallery?since=\(other)", method: .get, headers: .bearer(camera)) {
          let update = try decode($0.body)
          #expect(update.full, "\(other)")
        }
      }
      for bad in ["since=abc", "since=x:y", "model=a%20b"] {
        try await client.execute(uri: "/api/gallery?\(bad)", method: .get, headers: .bearer(camera)) {
          #expect($0.status == .badRequest, "\(bad)")
          #expect(String(buffer: $0.body).contains("parameter '\(bad.split(separator: "=")[0])'"), "\(bad)")
        }
      }
    }
  }

  @Test(
    "camera status: kept per camera, online then stale then offline, named by an admin, in /metrics; bad reports get a 400 naming the field"
  )
  func status() async throws {
    let f = try Fixture()
    try f.attend("21CS001", "2026-11-24T08:50:00+01:00")
    let camera = try cameraToken(f)
    let app = try buildApplication(f.settings())
    var report = CameraStatus(deviceID: "gate-1", name: "Gate", sourceKind: .stream, interval: 5)
    report.frames = 1500
    report.framesPerSecond = 29.5
    report.faces = 40
    report.lastFrameAt = Date()
    report.galleryVersion = "abc:3"
    report.livenessPolicy = .gate
    report.livenessCues = "blink + device + motion + screen"
    let reportBody = try CameraStatus.encoder.encode(report)
    let galleryVersion = try f.store.galleryVersion().description
    try await app.test(.router) { client in
      try await client.execute(
        uri: "/api/devices/status", method: .post, headers: .bearer(camera), body: ByteBuffer(data: reportBody)
      ) {
        #expect($0.status == .ok)
        let answer = try json($0.body) as? [String: Any]
        #expect(answer?["gallery_version"] as? String == galleryVersion)
      }
      let devices = try await client.execute(uri: "/api/devices", method: .get, headers: .bearer(f.viewerToken)) {
        try json($0.body) as? [[String: Any]] ?? []
      }
      let gate = try #require(devices.first { $0["id"] as? String == "gate-1" })
      #expect(gate["state"] as? String == "online")
      #expect(gate["name"] as? String == "Gate")
      #expect(gate["reported_by"] as? String == "gate-1")
      #expect((gate["status"] as? [String: Any])?["frames_per_second"] as? Double == 29.5)
      #expect((gate["status"] as? [String: Any])?["liveness_policy"] as? String == "gate")
      #expect((gate["status"] as? [String: Any])?["liveness_cues"] as? String == "blink + device + motion + screen")
      #expect(devices.contains { $0["id"] as? String == "cam-1" && $0["state"] as? String == "no status" })
      #expect(!devices.contains { $0["id"] as? String == "manual" })

      try await client.execute(uri: "/metrics", method: .get, headers: .bearer(f.viewerToken)) {
        let text = String(buffer: $0.body)
        #expect(text.contains("att_camera_up{device=\"gate-1\"} 1.0"))
        #expect(text.contains("att_camera_frames_per_second{device=\"gate-1\"} 29.5"))
        #expect(text.contains("att_cameras{state=\"online\"} 1.0"))
        // The requests so far, counted as they were answered (the scrape itself is counted after it).
        #expect(text.contains("# TYPE att_http_requests_total counter"))
        let answered = text.split(separator: "\n").first { $0.hasPrefix("att_http_requests_total{status=\"2xx\"}") }
        #expect((answered?.split(separator: " ").last).flatMap { Int($0) }.map { $0 >= 2 } == true, "\(text)")
        // Every sample line is a name, optional labels and a number: what Prometheus parses.
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
          #expect(line.hasPrefix("att_") && line.split(separator: " ").last.flatMap { Double($0) } != nil, "\(line)")
        }
      }

      // An admin names and places it; a viewer cannot.
      let change = ByteBuffer(string: #"{"name":"Main gate","location":"Building A, ground floor"}"#)
      try await client.execute(
        uri: "/api/devices/gate-1", method: .patch, headers: .bearer(f.viewerToken) + [.contentType: "application/json"],
        body: change
      ) { #expect($0.status == .forbidden) }
      try await client.execute(
        uri: "/api/devices/gate-1", method: .patch, headers: .bearer(f.adminToken) + [.contentType: "application/json"],
        body: change
      ) { #expect($0.status == .ok) }
      try await client.execute(
        uri: "/api/devices/nobody", method: .patch, headers: .bearer(f.adminToken) + [.contentType: "application/json"],
        body: change
      ) { #expect($0.status == .notFound) }
      try await client.execute(uri: "/api/devices", method: .get, headers: .bearer(f.viewerToken)) {
        let gate = (try json($0.body) as? [[String: Any]])?.first { $0["id"] as? String == "gate-1" }
        #expect(gate?["name"] as? String == "Main gate")
        #expect(gate?["location"] as? String == "Building A, ground floor")
      }
      #expect(try f.count("SELECT count(*) FROM audit_log WHERE action = 'camera described' AND target = 'gate-1'") == 1)

      // Another camera's token cannot speak for gate-1.
      let other = try cameraToken(f, "gate-2")
      try await client.execute(
        uri: "/api/devices/status", method: .post, headers: .bearer(other), body: ByteBuffer(data: reportBody)
      ) {
        #expect($0.status == .conflict)
        #expect(String(buffer: $0.body).contains("reports with the token 'gate-1'"))
      }

      let bad: [(String, String)] = [
        (#"{"device_id":"gate-1"}"#, "'source_kind' is missing"),
        ("not json", "not JSON"),
        (
          #"{"device_id":"a b","source_kind":"file","state":"running","interval":5,"frames":0,"dropped":0,"faces":0}"#,
          "device_id:"
        ),
        (#"{"device_id":"g","source_kind":"file","state":"running","interval":5,"frames":-1,"dropped":0,"faces":0}"#, "frames:"),
        (#"{"device_id":"g","source_kind":"file","state":"running","interval":0,"frames":0,"dropped":0,"faces":0}"#, "interval:"),
        (
          #"{"device_id":"g","source_kind":"rtsp://u:p@x","state":"running","interval":5,"frames":0,"dropped":0,"faces":0}"#,
          "source_kind"
        ),
        (
          #"{"device_id":"manual","source_kind":"file","state":"running","interval":5,"frames":0,"dropped":0,"faces":0}"#,
          "device_id:"
        ),
        (
          #"{"device_id":"g","source_kind":"file","state":"running","interval":5,"frames":0,"dropped":0,"faces":0,"liveness_policy":"maybe"}"#,
          "liveness_policy"
        ),
        (
          #"{"device_id":"g","source_kind":"file","state":"running","interval":5,"frames":0,"dropped":0,"faces":0,"liveness_cues":"a\u0007b"}"#,
          "liveness_cues: use at most 200 characters"
        ),
      ]
      for (body, field) in bad {
        try await client.execute(
          uri: "/api/devices/status", method: .post, headers: .bearer(camera), body: ByteBuffer(string: body)
        ) {
          #expect($0.status == .badRequest, "\(body)")
          #expect(String(buffer: $0.body).contains(field), "\(body): \(String(buffer: $0.body))")
        }
      }
    }
    // Judged by the report's age against its own interval; a camera that said goodbye is offline at once.
    #expect(CameraView.state(of: report, age: 16) == .online)
    #expect(CameraView.state(of: report, age: 18) == .stale)
    #expect(CameraView.state(of: report, age: 601) == .offline)
    report.state = .stopped
    #expect(CameraView.state(of: report, age: 0) == .offline)
  }

  @Test("default camera ids name the host and the source's short name, never a folder, a URL or a password")
  func deviceIDs() {
    #expect(DeviceID.defaultID(host: "gate-pc.school.lan", source: "0") == "gate-pc:camera0")
    #expect(DeviceID.defaultID(host: "gate-pc", source: "/dev/video2") == "gate-pc:video2")
    #expect(DeviceID.defaultID(host: "gate-pc", source: "rtsp://admin:s3cret@cam1.local:554/stream1") == "gate-pc:cam1.local")
    #expect(DeviceID.defaultID(host: "gate-pc", source: "/home/ana/videos/morning clip.mp4") == "gate-pc:morning-clip")
    #expect(DeviceID.kind(of: "rtsp://admin:s3cret@cam1.local/stream") == .stream)
    #expect(DeviceID.kind(of: "0") == .camera)
    #expect(DeviceID.kind(of: "clip.mp4") == .file)
    #expect(DeviceID.kind(of: "photo.jpg") == .images)
  }

  @Test(
    "a camera token bound to its device ids reports for them only; their ids are no other token's; an unbound token claims at most 16"
  )
  func boundTokens() async throws {
    let f = try Fixture()
    let accounts = Accounts(store: f.store)
    let gate = try accounts.addToken("gate-host", role: .camera, devices: ["gate-1", "gate-2"])
    let other = try accounts.addToken("office-host", role: .camera)
    #expect(throws: Accounts.AccountError.self) { try accounts.addToken("thief", role: .camera, devices: ["gate-1"]) }
    #expect(throws: Accounts.AccountError.self) { try accounts.addToken("script", role: .viewer, devices: ["x"]) }
    let app = try buildApplication(f.settings())
    @Sendable func report(_ id: String) throws -> ByteBuffer {
      ByteBuffer(data: try CameraStatus.encoder.encode(CameraStatus(deviceID: id, name: nil, sourceKind: .stream, interval: 5)))
    }
    try await app.test(.router) { client in
      // Another token cannot claim a bound id first, even before the real camera has reported.
      try await client.execute(uri: "/api/devices/status", method: .post, headers: .bearer(other), body: try report("gate-1")) {
        #expect($0.status == .forbidden)
        #expect(String(buffer: $0.body).contains("bound to the token 'gate-host'"))
      }
      try await client.execute(uri: "/api/devices/status", method: .post, headers: .bearer(gate), body: try report("gate-1")) {
        #expect($0.status == .ok)
      }
      try await client.execute(uri: "/api/devices/status", method: .post, headers: .bearer(gate), body: try report("lab-9")) {
        #expect($0.status == .forbidden)
        #expect(String(buffer: $0.body).contains("gate-1, gate-2 only"))
      }
      // An unbound token may claim ids up to the cap, and no more.
      for n in 0..<AttendanceStore.devicesPerToken {
        try await client.execute(
          uri: "/api/devices/status", method: .post, headers: .bearer(other), body: try report("office-\(n)")
        ) { #expect($0.status == .ok) }
      }
      try await client.execute(uri: "/api/devices/status", method: .post, headers: .bearer(other), body: try report("office-99"))
      {
        #expect($0.status == .forbidden)
      }
      try await client.execute(uri: "/api/devices/status", method: .post, headers: .bearer(other), body: try report("office-3")) {
        #expect($0.status == .ok, "an id it already has")
      }
    }
    #expect(try f.count("SELECT count(*) FROM camera_status") == 1 + AttendanceStore.devicesPerToken)
  }

  @Test(
    "a camera with the database itself (att-take in direct mode, a camera id per source) is not held to a token's cap of ids; a token of that name is"
  )
  func localReporterUncapped() throws {
    let f = try Fixture()
    let count = AttendanceStore.devicesPerToken + 4
    for n in 0..<count {
      try f.store.saveCameraStatus(
        CameraStatus(deviceID: "vm:clip-\(n)", name: nil, sourceKind: .file, interval: 5),
        reportedBy: AttendanceStore.localReporter)
    }
    #expect(try f.count("SELECT count(*) FROM camera_status WHERE reported_by = 'local'") == count)
    // A camera token that happens to have the name is a token, capped as any other.
    let other = try Fixture()
    #expect(
      try other.store.addToken(
        APIToken(
          name: AttendanceStore.localReporter, tokenSHA256: String(repeating: "ab", count: 32), role: "camera", createdAt: Date())
      ))
    let error = #expect(throws: AttendanceStore.CameraNotAllowed.self) {
      for n in 0..<count {
        try other.store.saveCameraStatus(
          CameraStatus(deviceID: "vm:clip-\(n)", name: nil, sourceKind: .file, interval: 5),
          reportedBy: AttendanceStore.localReporter)
      }
    }
    #expect(error?.reason.contains("already reports for \(AttendanceStore.devicesPerToken) cameras") == true)
  }

  @Test("an admin names a camera whose id has ':' (every default id), sent percent-encoded as the page sends it")
  func namesDefaultIDs() async throws {
    let f = try Fixture()
    try f.store.saveCameraStatus(
      CameraStatus(deviceID: "office-pc:photos", name: nil, sourceKind: .images, interval: 5), reportedBy: "office")
    let app = try buildApplication(f.settings())
    try await app.test(.router) { client in
      try await client.execute(
        uri: "/api/devices/office-pc%3Aphotos", method: .patch,
        headers: .bearer(f.adminToken) + [.contentType: "application/json"], body: ByteBuffer(string: #"{"name":"Office"}"#)
      ) { #expect($0.status == .ok, "\(String(buffer: $0.body))") }
    }
    #expect(try f.count("SELECT count(*) FROM devices WHERE id = 'office-pc:photos' AND name = 'Office'") == 1)
  }
}
