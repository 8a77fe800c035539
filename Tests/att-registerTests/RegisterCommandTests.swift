import AttTestSupport
import AttendanceKit
import Foundation
import Testing

/// A working folder with its own database and media, where the tools run as an operator runs them.
struct Site {
  let folder: String

  init() throws {
    folder = try Checkout.scratchFolder("register")
  }

  func register(_ arguments: [String], environment: [String: String] = [:]) throws -> ToolRun {
    try ToolRun.run("att-register", arguments, in: folder, environment: environment)
  }

  var store: AttendanceStore {
    get throws { try AttendanceStore(location: DatabaseLocation(path: "\(folder)/data/attendance.db")) }
  }

  /// A folder of people in three layouts, with real photos from ../shared/faces/people.
  func peopleFolder() throws -> String {
    let root = "\(folder)/to-import"
    let layouts = [
      ("21CS001_John Schneider", "john_schneider"), ("person_2_Alex", "alex_lacamoire"), ("kit_harington", "kit_harington"),
    ]
    for (target, person) in layouts {
      let source = "\(Checkout.shared)/faces/people/\(person)"
      try FileManager.default.createDirectory(atPath: "\(root)/\(target)", withIntermediateDirectories: true)
      for name in try FileManager.default.contentsOfDirectory(atPath: source).sorted().prefix(3) {
        try FileManager.default.copyItem(atPath: "\(source)/\(name)", toPath: "\(root)/\(target)/\(name)")
      }
    }
    // A bad file among the photos is skipped with its reason.
    try FileManager.default.copyItem(
      atPath: "\(Checkout.shared)/bad-inputs/truncated_half.jpg", toPath: "\(root)/21CS001_John Schneider/zz_truncated.jpg")
    return root
  }
}

@Suite("att-register", .testThreads)
struct RegisterCommandTests {
  @Test("import enrols each layout, says what it skipped and why, and computes embeddings; importing again adds nothing")
  func importFolder() throws {
    let site = try Site()
    let root = try site.peopleFolder()
    let first = try site.register(["import", root, "--json", "--class", "CS"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.contains("direct mode (no MQ_URL), database data/attendance.db"))
    let reports = try first.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    #expect(reports.map { $0["person_id"] as? String } == ["21CS001", "kit_harington", "person_2"])
    let john = reports[0]
    #expect(john["name"] as? String == "John Schneider")
    #expect(john["taken"] as? Int == 3)
    #expect((john["refused_by_reason"] as? [String: Int]) == ["truncated": 1])
    let refused = try #require((john["refused"] as? [[String: Any]])?.first)
    #expect((refused["origin"] as? String)?.hasSuffix("zz_truncated.jpg") == true)

    let people = try site.store.people()
    #expect(people.map(\.id) == ["21CS001", "kit_harington", "person_2"])
    #expect(people.allSatisfy { $0.samples > 0 && $0.embeddings == $0.samples })
    #expect(people.allSatisfy { $0.classes == ["CS"] })

    let again = try site.register(["import", root])
    #expect(again.status == 0)
    #expect(again.stdout.contains("already stored"))
    #expect(try site.store.people().map(\.samples) == people.map(\.samples))
  }

  @Test("import on one worker and on two takes the same samples")
  func importIsDeterministic() throws {
    let one = try Site(), two = try Site()
    let root = try one.peopleFolder()
    #expect(try one.register(["import", root, "--jobs", "1", "--no-extract"]).status == 0)
    #expect(try two.register(["import", root, "--jobs", "2", "--no-extract"]).status == 0)
    func files(_ site: Site) throws -> [String] {
      try FileManager.default.subpathsOfDirectory(atPath: "\(site.folder)/media").sorted()
    }
    #expect(try files(one) == files(two))
    #expect(try files(one).count == 9 + 3)  // 9 crops in 3 person folders
  }

  @Test("add from a video takes spaced samples of the one person; list shows them")
  func addFromVideo() throws {
    let site = try Site()
    let video = "\(Checkout.shared)/faces/video/short_hamilton_clip.mp4"
    let add = try site.register(["add", "--id", "LMM01", "--name", "Lin-Manuel Miranda", "--source", video, "--count", "3"])
    #expect(add.status == 0, "\(add.stderr)")
    #expect(add.stdout.contains("LMM01 (Lin-Manuel Miranda): 3 of 3 samples taken"))
    #expect(add.stdout.contains("3 embedding(s) computed"))
    let list = try site.register(["list", "--json"])
    // One JSON array (an answer, not a stream).
    let people = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
    #expect(people?.count == 1)
    let person = people?.first
    #expect(person?["id"] as? String == "LMM01")
    #expect(person?["samples"] as? Int == 3 && person?["embeddings"] as? Int == 3)
    let files = try FileManager.default.contentsOfDirectory(atPath: "\(site.folder)/media/LMM01")
    #expect(files.count == 3 && files.allSatisfy { $0.hasSuffix(".jpg") })
  }

  @Test("add from a folder with no usable face stores nothing and exits 1 with the reasons")
  func addNothingUsable() throws {
    let site = try Site()
    let folder = "\(site.folder)/junk"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for name in ["zero_bytes.jpg", "text_file.jpg", "noface_rocket.jpg", "very_dark.jpg", "many_faces_bald_guys.jpg"] {
      try FileManager.default.copyItem(atPath: "\(Checkout.shared)/bad-inputs/\(name)", toPath: "\(folder)/\(name)")
    }
    let add = try site.register(["add", "--id", "X1", "--name", "Nobody", "--source", folder])
    #expect(add.status == 1)
    #expect(add.stderr.contains("no face from \(folder) passed the quality gate; nothing was stored"))
    for code in ["empty", "unsupported_format", "no_face", "too_dark", "several_faces"] {
      #expect(add.stdout.contains(code), "\(code) in \(add.stdout)")
    }
    #expect(try site.store.people().isEmpty)
    #expect(!FileManager.default.fileExists(atPath: "\(site.folder)/media/X1"))
  }

  @Test("rename keeps the id; remove erases images, samples and embeddings, and attendance unless kept")
  func renameAndRemove() throws {
    let site = try Site()
    _ = try site.register(["import", try site.peopleFolder()])
    let rename = try site.register(["rename", "21CS001", "John A. Schneider"])
    #expect(rename.status == 0 && rename.stdout.contains("renamed 21CS001 from John Schneider to John A. Schneider"))

    let remove = try site.register(["remove", "21CS001"])
    #expect(remove.status == 0, "\(remove.stderr)")
    #expect(remove.stdout.contains("removed 21CS001 (John A. Schneider): 3 face image(s) and 3 embedding(s) erased"))
    #expect(!FileManager.default.fileExists(atPath: "\(site.folder)/media/21CS001"))
    let store = try site.store
    #expect(try store.person("21CS001") == nil)

    let keep = try site.register(["remove", "person_2", "--keep-attendance", "--json"])
    #expect(keep.status == 0, "\(keep.stderr)")
    // --json gives every field, snake_case.
    let removed = try JSONSerialization.jsonObject(with: Data(keep.stdout.utf8)) as? [String: Any]
    #expect(removed?["person_id"] as? String == "person_2" && removed?["attendance_deleted"] as? Int == 0)
    #expect(removed?["name"] is String && removed?["samples"] is Int && removed?["embeddings"] is Int)
    let kept = try #require(try store.person("person_2"))
    #expect(!kept.active && kept.samples == 0 && kept.embeddings == 0)
    #expect(!FileManager.default.fileExists(atPath: "\(site.folder)/media/person_2"))

    let again = try site.register(["remove", "21CS001"])
    #expect(again.status == 1 && again.stderr.contains("no person with id '21CS001' is enrolled"))
    // Each change is in the audit log, written by the handler in the change's own transaction.
    let audit = try store.auditLog(limit: 10).reversed().map { "\($0.action) \($0.target) by \($0.actor.prefix(14))" }
    #expect(
      audit == ["rename 21CS001 by att-register (", "remove 21CS001 by att-register (", "remove person_2 by att-register ("])
  }

  @Test("bad ids, a missing source and unusable DB_URL or MQ_URL are refused with one clear line; an unreachable broker spools")
  func refusals() throws {
    let site = try Site()
    let traversal = try site.register(["add", "--id", "../etc", "--name", "X", "--source", "x.jpg"])
    #expect(traversal.status == 64 && traversal.stderr.contains("person id '../etc'"))
    let missing = try site.register(["add", "--id", "A1", "--name", "X", "--source", "/nonexistent/a.mp4"])
    #expect(missing.status == 66 && missing.stderr.contains("/nonexistent/a.mp4: no such file"), "EX_NOINPUT")
    let db = try site.register(["list"], environment: ["DB_URL": "postgres://x/y"])
    #expect(db.status == 78 && db.stderr.contains("only SQLite is supported"))
    let mq = try site.register(["list"], environment: ["MQ_URL": "amqp://att:secret@127.0.0.1:5999/"])
    #expect(mq.status == 0, "list reads the database; it sends no message")
    // With the broker unreachable the message waits in the spool; the password never shows.
    let rename = try site.register(["rename", "A1", "Y"], environment: ["MQ_URL": "amqp://att:secret@127.0.0.1:5999/"])
    #expect(rename.status == 0 && rename.stdout.contains("rename of A1 queued"))
    #expect(rename.stderr.contains("amqp://att:***@127.0.0.1:5999/"))
    #expect(rename.stderr.contains("1 message(s) kept in data/spool/"))
    let badURL = try site.register(["rename", "A1", "Y"], environment: ["MQ_URL": "http://x/"])
    #expect(badURL.status == 78 && badURL.stderr.contains("expected amqp://"))
    #expect(!rename.stderr.contains("secret"))
  }

  @Test("check reports the gate's figures per file and exits 1 when one is refused")
  func check() throws {
    let good = "\(Checkout.shared)/bad-inputs/grayscale.jpg"
    let dark = "\(Checkout.shared)/bad-inputs/very_dark.jpg"
    let result = try ToolRun.run("att-register", ["check", good, dark])
    #expect(result.status == 1)
    #expect(result.lines.first?.hasPrefix("\(good): ok (face ") == true)
    #expect(result.lines.last?.hasPrefix("\(dark): refused: too dark") == true)
  }
}
