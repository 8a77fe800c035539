import AttTestSupport
import AttendanceKit
import FaceKit
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A server host (att-serve, att-worker, the database), an enrolment host and a camera host with no
/// database, over the project's broker: the whole story, with real tools and real photos.
@Suite("Camera hosts without a database: the gallery over the wire, erasure, the cache, camera status", .serialized, .testThreads)
struct CameraHostTests {
  static let secret = "camera-host-test-secret-0123456789abcdef"
  static let people = "\(Checkout.shared)/faces/people"

  struct Site {
    let mq: String
    let server: String
    let enrolment: String
    let camera: String
    let port: Int
    var environment: [String: String] { ["MQ_URL": mq, "SECRET_KEY": CameraHostTests.secret] }

    init() throws {
      mq = try Broker.freshVirtualHost()
      server = try Checkout.scratchFolder("server-host")
      enrolment = try Checkout.scratchFolder("enrolment-host")
      camera = try Checkout.scratchFolder("camera-host")
      port = FreePort.pick(in: 20000...29999)
    }

    func token(_ name: String, role: String) throws -> String {
      let made = try ToolRun.run("att-serve", ["token", "add", name, "--role", role], in: server, environment: environment)
      #expect(made.status == 0, "\(made.stderr)")
      return made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func api(_ path: String, token: String) -> (status: Int, body: Data)? {
      api("GET", path, token: token)
    }

    func api(_ method: String, _ path: String, token: String) -> (status: Int, body: Data)? {
      PlainHTTP.request(method, port: port, path: path, headers: ["Authorization": "Bearer \(token)"])
    }

    func json(_ path: String, token: String) -> Any? {
      api(path, token: token).flatMap { try? JSONSerialization.jsonObject(with: $0.body) }
    }

    func startServe() throws -> ToolRun.Running {
      let serve = try ToolRun.start("att-serve", ["--port", "\(port)"], in: server, environment: environment)
      #expect(eventually(60) { PlainHTTP.get(port: port, path: "/healthz")?.status == 200 }, "att-serve answers")
      return serve
    }

    /// A folder holding some of a person's photos, for att-register add.
    func photos(_ person: String, _ names: [String]) throws -> String {
      let folder = "\(enrolment)/photos/\(person)"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      for name in names { try FileManager.default.copyItem(atPath: "\(people)/\(person)/\(name)", toPath: "\(folder)/\(name)") }
      return folder
    }

    /// Enrols a person on the enrolment host (its own database and spool), through the broker.
    func enrol(_ id: String, _ name: String, from folder: String) throws {
      let run = try ToolRun.run(
        "att-register", ["add", "--id", id, "--name", name, "--source", folder, "--count", "2"], in: enrolment,
        environment: ["MQ_URL": mq])
      #expect(run.status == 0, "\(run.stderr)")
    }

    /// The server's embeddings of a person, as stored.
    func embeddings(of id: String) throws -> [Data] {
      let store = try AttendanceStore(location: DatabaseLocation(path: "\(server)/data/attendance.db"))
      return try store.reader { db in
        try Data.fetchAll(
          db, sql: "SELECT e.vector FROM embeddings e JOIN face_samples s ON s.id = e.sample_id WHERE s.person_id = ?",
          arguments: [id])
      }
    }

    /// Every regular file under the camera host's folder, read whole.
    func cameraFiles() -> [(String, Data)] {
      let enumerator = FileManager.default.enumerator(atPath: camera)
      var files: [(String, Data)] = []
      while let name = enumerator?.nextObject() as? String {
        var folder: ObjCBool = false
        let path = "\(camera)/\(name)"
        if FileManager.default.fileExists(atPath: path, isDirectory: &folder), !folder.boolValue,
          let data = FileManager.default.contents(atPath: path)
        {
          files.append((name, data))
        }
      }
      return files
    }
  }

  @Test(
    "a camera with no database recognises a person enrolled elsewhere without a restart, forgets a removed one (memory and disk), runs from its cache with the server down, and reports its status"
  )
  func twoHosts() throws {
    let site = try Site()
    let cameraToken = try site.token("gate-1", role: "camera")
    let viewerToken = try site.token("office", role: "viewer")
    let adminToken = try site.token("admin-script", role: "admin")
    let worker = try ToolRun.start("att-worker", [], in: site.server, environment: site.environment)
    defer { worker.terminate(); _ = worker.wait() }
    var serve: ToolRun.Running? = try site.startServe()
    defer {
      serve?.terminate()
      _ = serve?.wait()
    }

    // Obama is enrolled before the camera starts; Kit Harington while it runs. The camera's clip shows
    // other photos of them in turn (2 s each, a second of nobody between, so each visit is a new track).
    try site.enrol("OBAMA", "Barack Obama", from: try site.photos("barack_obama", ["obama1.jpg", "obama2.jpg"]))
    #expect(eventually(60) { ((try? site.embeddings(of: "OBAMA")) ?? []).count == 2 }, "att-worker stored Obama's embeddings")
    let clip = "\(site.camera)/gate.avi"
    var shots: [TestVideo.Shot] = []
    for _ in 0..<60 {
      shots += [
        .still("\(CameraHostTests.people)/barack_obama/obama.jpg", frames: 20), .empty(frames: 12),
        .still("\(CameraHostTests.people)/kit_harington/johnsnow_test1.jpg", frames: 20), .empty(frames: 12),
      ]
    }
    try TestVideo.make(clip, shots: shots, fps: 10)

    // The camera host: a folder with the clip, the broker's URL and the camera token, nothing else.
    let cameraEnvironment = ["MQ_URL": site.mq, "ATT_GALLERY": "http://127.0.0.1:\(site.port)", "ATT_TOKEN": cameraToken]
    let camera = try ToolRun.start(
      "att-take",
      ["--source", clip, "--real-time", "--liveness", "off", "--device", "gate-1", "--name", "Main gate", "--status-every", "1"],
      in: site.camera, environment: cameraEnvironment)
    defer { kill(camera.pid, SIGKILL) }
    #expect(camera.waitFor(stderr: "gallery from http://127.0.0.1:\(site.port)/: 1 people / 2 embeddings"), "\(camera.snapshot)")
    #expect(camera.waitFor(stderr: "OBAMA (Barack Obama)"), "Obama is recognised: \(camera.snapshot)")
    #expect(!FileManager.default.fileExists(atPath: "\(site.camera)/data/attendance.db"), "no database on the camera host")
    let cache = "\(site.camera)/data/gallery-cache.json"
    let mode = (try FileManager.default.attributesOfItem(atPath: cache)[.posixPermissions] as? NSNumber)?.intValue
    #expect(mode == 0o600, "the cache is the owner's only")

    // Its status reaches the server: online, with its name, source kind and gallery version.
    #expect(
      eventually(20) {
        let devices = site.json("/api/devices", token: viewerToken) as? [[String: Any]] ?? []
        guard let gate = devices.first(where: { $0["id"] as? String == "gate-1" }) else { return false }
        let status = gate["status"] as? [String: Any]
        return gate["state"] as? String == "online" && gate["name"] as? String == "Main gate"
          && status?["source_kind"] as? String == "file" && (status?["frames"] as? Int ?? 0) > 0
          && (status?["gallery_version"] as? String)?.contains(":") == true
          && status?["liveness_policy"] as? String == "off"
      }, "the camera's status on /api/devices, liveness off as it runs")
    let metrics = String(decoding: site.api("/metrics", token: viewerToken)?.body ?? Data(), as: UTF8.self)
    #expect(metrics.contains("att_camera_up{device=\"gate-1\"} 1.0"), "\(metrics)")

    // The camera token reads the gallery and nothing else; a viewer token cannot read the gallery.
    for path in ["/api/people", "/api/attendance", "/api/export/events.csv", "/api/devices", "/metrics"] {
      #expect(site.api(path, token: cameraToken)?.status == 403, "camera token on \(path)")
    }
    #expect(site.api("/api/gallery", token: viewerToken)?.status == 403, "viewer token on the gallery")
    #expect(site.api("/api/gallery", token: cameraToken)?.status == 200)

    // Kit is enrolled on the other host: the camera learns of it from att.events and recognises him.
    try site.enrol("KIT", "Kit Harington", from: try site.photos("kit_harington", ["john1.jpeg", "john2.jpeg"]))
    let enrolled = ContinuousClock.now  // the broker has it: from here, att-worker's embedding, the event and the fetch
    #expect(camera.waitFor(stderr: "gallery reloaded: 2 people"), "\(camera.snapshot)")
    let reached = (ContinuousClock.now - enrolled) / .seconds(1)
    #expect(camera.waitFor(stderr: "KIT (Kit Harington)"), "Kit is recognised without a restart: \(camera.snapshot)")
    let kit = try site.embeddings(of: "KIT")
    try #require(kit.count == 2)
    #expect(
      site.cameraFiles().contains {
        $0.0 == "data/gallery-cache.json" && $0.1.range(of: Data(kit[0].base64EncodedString().utf8)) != nil
      },
      "the cache holds Kit's embeddings while he is enrolled")

    // An admin removes him on the server: gone from the camera's memory and disk within seconds.
    let removing = ContinuousClock.now
    #expect(site.api("DELETE", "/api/people/KIT", token: adminToken).map { [200, 202].contains($0.status) } == true)
    #expect(camera.waitFor(stderr: "gallery reloaded: 1 people"), "\(camera.snapshot)")
    let erased = (ContinuousClock.now - removing) / .seconds(1)
    let afterRemoval = camera.snapshot.components(separatedBy: "gallery reloaded: 1 people").last ?? ""
    // Two more visits of Kit pass (unknown now), and nobody is recognised as him again.
    #expect(
      camera.waitFor(stderr: "gallery reloaded: 1 people", thenCount: "unknown face", atLeast: 2, seconds: 60),
      "\(camera.snapshot)")
    let later = camera.snapshot.components(separatedBy: "gallery reloaded: 1 people").last ?? afterRemoval
    #expect(!later.contains("KIT (Kit Harington)"), "Kit is no longer recognised: \(later)")
    for (name, data) in site.cameraFiles() {
      for vector in kit {
        let base64 = vector.base64EncodedString()
        for form in [base64, base64.replacingOccurrences(of: "/", with: "\\/")] {
          #expect(data.range(of: Data(form.utf8)) == nil, "Kit's embedding in \(name)")
        }
        #expect(data.range(of: vector) == nil, "Kit's embedding's bytes in \(name)")
      }
      if name.hasSuffix("gallery-cache.json") { #expect(data.range(of: Data("\"KIT\"".utf8)) == nil, "Kit's id in the cache") }
    }
    Console.note(
      String(
        format:
          "an enrolment reached the camera %.1f s after the broker took it (att-worker's embeddings included), a removal %.1f s after the DELETE",
        reached, erased))

    // The camera dies (kill -9): its status goes stale.
    kill(camera.pid, SIGKILL)
    _ = camera.wait()
    #expect(
      eventually(30) {
        let devices = site.json("/api/devices", token: viewerToken) as? [[String: Any]] ?? []
        return devices.first(where: { $0["id"] as? String == "gate-1" })?["state"] as? String == "stale"
      }, "a camera that stopped reporting is stale")

    // With att-serve down, a camera starts from its cache, says so, and still recognises Obama.
    serve?.terminate()
    _ = serve?.wait()
    serve = nil
    let short = "\(site.camera)/short.avi"
    try TestVideo.make(short, shots: [.still("\(CameraHostTests.people)/barack_obama/obama.jpg", frames: 30)], fps: 10)
    let offline = try ToolRun.run(
      "att-take", ["--source", short, "--liveness", "off", "--device", "gate-1"], in: site.camera, environment: cameraEnvironment)
    #expect(offline.status == 0, "\(offline.stderr)")
    #expect(offline.stderr.contains("cannot be reached"), "\(offline.stderr)")
    #expect(offline.stderr.contains("running from the cache data/gallery-cache.json (1 people"), "\(offline.stderr)")
    #expect(offline.stderr.contains("OBAMA (Barack Obama)"), "\(offline.stderr)")
    #expect(offline.stderr.contains("camera status not sent"), "the status waits for the server: \(offline.stderr)")
  }
}

extension CameraHostTests {
  @Test(
    "without att.events (att-serve and att-register in direct mode on the server), a removal reaches the camera through its status reply within seconds"
  )
  func removalWithoutEvents() throws {
    let site = try Site()
    let cameraToken = try site.token("gate-2", role: "camera")
    // The server host in direct mode: no broker for att-serve or att-register, so no event is published.
    let direct = ["SECRET_KEY": CameraHostTests.secret]
    for (id, person, photo) in [("OBAMA", "barack_obama", "obama1.jpg"), ("KIT", "kit_harington", "john1.jpeg")] {
      let folder = try site.photos(person, [photo])
      let run = try ToolRun.run(
        "att-register", ["add", "--id", id, "--name", id.capitalized, "--source", folder, "--count", "1"], in: site.server,
        environment: direct)
      #expect(run.status == 0, "\(run.stderr)")
    }
    let serve = try ToolRun.start("att-serve", ["--port", "\(site.port)"], in: site.server, environment: direct)
    defer {
      serve.terminate()
      _ = serve.wait()
    }
    #expect(eventually(60) { PlainHTTP.get(port: site.port, path: "/healthz")?.status == 200 })
    let clip = "\(site.camera)/gate.avi"
    try TestVideo.make(clip, shots: [.empty(frames: 600)], fps: 10)
    // The camera's own crops: those of the person about to be removed go with them; nothing else does.
    let snaps = "\(site.camera)/snaps"
    try FileManager.default.createDirectory(atPath: snaps, withIntermediateDirectories: true)
    let photo = try Data(contentsOf: URL(fileURLWithPath: "\(CameraHostTests.people)/kit_harington/john1.jpeg"))
    let kits = ["KIT-0a1b2c3d.jpg", "refused-KIT-11112222.jpg", "unmarked-KIT-abcdef01.jpg"]
    let others = ["OBAMA-0a1b2c3d.jpg", "unknown-12345678.jpg", "KIT-notes.jpg", "KITE-0a1b2c3d.jpg"]
    for name in kits + others { try photo.write(to: URL(fileURLWithPath: "\(snaps)/\(name)")) }
    let camera = try ToolRun.start(
      "att-take",
      [
        "--source", clip, "--real-time", "--liveness", "off", "--device", "gate-2", "--status-every", "1", "--snapshots", "snaps",
      ],
      in: site.camera,
      environment: ["MQ_URL": site.mq, "ATT_GALLERY": "http://127.0.0.1:\(site.port)", "ATT_TOKEN": cameraToken])
    defer { kill(camera.pid, SIGKILL) }
    #expect(camera.waitFor(stderr: "2 people / 2 embeddings"), "\(camera.snapshot)")
    let removing = ContinuousClock.now
    let removed = try ToolRun.run("att-register", ["remove", "KIT"], in: site.server, environment: direct)
    #expect(removed.status == 0, "\(removed.stderr)")
    #expect(camera.waitFor(stderr: "gallery reloaded: 1 people", seconds: 20), "\(camera.snapshot)")
    Console.note(
      String(
        format: "without events, a removal reached the camera %.1f s after att-register remove started",
        (ContinuousClock.now - removing) / .seconds(1)))
    let cache = FileManager.default.contents(atPath: "\(site.camera)/data/gallery-cache.json") ?? Data()
    #expect(cache.range(of: Data("\"KIT\"".utf8)) == nil && cache.range(of: Data("\"OBAMA\"".utf8)) != nil)
    let left = Set((try? FileManager.default.contentsOfDirectory(atPath: snaps)) ?? [])
    #expect(left == Set(others), "KIT's crops are erased from the camera, nothing else: \(left)")
    #expect(camera.snapshot.contains("deleted 3 snapshot(s) of KIT from snaps: no longer in the gallery"), "\(camera.snapshot)")
    // SIGTERM: the last status says stopped, and the server shows it offline at once.
    camera.terminate()
    let run = camera.wait()
    #expect(run.status == 0, "\(run.stderr)")
    let viewer = try site.token("office", role: "viewer")
    let devices = site.json("/api/devices", token: viewer) as? [[String: Any]] ?? []
    #expect(devices.first { $0["id"] as? String == "gate-2" }?["state"] as? String == "offline", "\(devices)")

    // The camera's token is revoked (a stolen or retired camera): at its next contact it erases its cache.
    let revoked = try ToolRun.run("att-serve", ["token", "revoke", "gate-2"], in: site.server, environment: direct)
    #expect(revoked.status == 0, "\(revoked.stderr)")
    let refused = try ToolRun.run(
      "att-take", ["--source", clip, "--liveness", "off", "--device", "gate-2", "--snapshots", "snaps"], in: site.camera,
      environment: ["MQ_URL": site.mq, "ATT_GALLERY": "http://127.0.0.1:\(site.port)", "ATT_TOKEN": cameraToken])
    #expect(refused.status == 78, "\(refused.stderr)")
    #expect(refused.stderr.contains("refused ATT_TOKEN") && refused.stderr.contains("was erased"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: "\(site.camera)/data/gallery-cache.json"))
    // And its faces: every crop it saved (an unknown face's too); a file att-take did not name stays.
    #expect(try FileManager.default.contentsOfDirectory(atPath: snaps) == ["KIT-notes.jpg"])
    #expect(
      refused.stderr.contains("deleted 3 snapshot(s) from snaps: the server refused this camera's token"), "\(refused.stderr)")
  }
}

enum Console {
  /// A figure for the note, on the test's standard error.
  static func note(_ text: String) {
    FileHandle.standardError.write(Data("camera-host figures: \(text)\n".utf8))
  }
}
