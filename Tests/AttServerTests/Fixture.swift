import AttTestSupport
import AttendanceKit
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging

@testable import AttServer

/// A real database with people, classes and attendance, accounts and tokens, and the settings of a
/// server over it.
struct Fixture {
  let folder: String
  let store: AttendanceStore
  let handler: MessageHandler
  let adminToken: String
  let viewerToken: String
  static let password = "correct horse battery"
  static let secret = "test-secret-0123456789abcdef0123456789"
  static let hostileName = "<img src=x onerror=\"window.pwned=1\">Joe"

  /// `seeded`: with the three people of most tests (two in CS, one in EE).
  init(label: String = "serve", seeded: Bool = true) throws {
    folder = try Checkout.scratchFolder(label)
    store = try AttendanceStore(location: DatabaseLocation(path: "\(folder)/data/attendance.db"))
    handler = MessageHandler(store: store, media: MediaLibrary(root: "\(folder)/media"))
    var accounts = Accounts(store: store)
    accounts.iterations = 1_000  // the real figure is 600,000; the tests sign in many times
    try accounts.addUser("ana", password: Self.password, role: .admin)
    try accounts.addUser("vic", password: Self.password, role: .viewer)
    adminToken = try accounts.addToken("admin-script", role: .admin)
    viewerToken = try accounts.addToken("viewer-script", role: .viewer)
    if seeded {
      try register("21CS001", "Barack Obama", photos: "barack_obama", classID: "CS")
      try register("21CS002", Self.hostileName, photos: "joe_biden", classID: "CS")
      try register("21EE001", "=HYPERLINK(\"http://x\")", photos: "barack_obama", classID: "EE", photo: 1)
    }
    // Enrolled at the start of the term, so that they count on the days the tests use; and every
    // day a school day, so that no test depends on the weekday it runs on.
    try store.write { db in
      try db.execute(sql: "UPDATE people SET created_at = '2026-09-01 07:00:00.000'")
      try db.execute(sql: "UPDATE store_facts SET value = '1,2,3,4,5,6,7' WHERE key = 'school_weekdays'")
    }
  }

  func register(_ id: String, _ name: String, photos: String, classID: String, photo: Int = 0) throws {
    let folder = "\(Checkout.shared)/faces/people/\(photos)"
    let file = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jpg") }.sorted()[photo]
    let jpeg = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(file)"))
    let result = try handler.apply(
      .register(
        RegisterMessage(
          personID: id, name: name, faces: [FaceCrop(jpeg: jpeg)], source: "test",
          capturedAt: "2026-11-01T08:00:00+01:00", classID: classID)))
    guard case .applied = result.outcome else { throw FixtureError("register \(id): \(result.outcome)") }
  }

  /// Records attendance as a camera would, through the handler.
  @discardableResult
  /// A camera's sighting; with `photo`, a real photo of the person as its crop (--snapshots).
  func attend(
    _ id: String, _ capturedAt: String, classID: String? = "CS", device: String = "cam-1", photo: String? = nil,
    live reason: String? = nil
  ) throws -> HandlingResult {
    let jpeg = try photo.map { try Data(contentsOf: URL(fileURLWithPath: "\(Checkout.shared)/faces/people/\($0)")) }
    return try handler.apply(
      .attendance(
        AttendanceMessage(
          personID: id, deviceID: device, classID: classID, capturedAt: CapturedTime(capturedAt)!,
          liveness: reason.map { .init(verdict: "live", reason: $0) }, jpeg: jpeg)))
  }

  /// An unknown face as a camera with --snapshots logs it: a real photo of someone not enrolled.
  @discardableResult
  func unknownFace(
    at capturedAt: String = CapturedTime(Date()).text, nearest: String? = "21CS001",
    photo: String = "faceapi_expr_angry.jpg"
  )
    throws -> HandlingResult
  {
    let jpeg = try Data(contentsOf: URL(fileURLWithPath: "\(Checkout.shared)/faces/unknown/\(photo)"))
    return try handler.apply(
      .unknownFace(
        UnknownFaceMessage(
          deviceID: "cam-1", capturedAt: CapturedTime(capturedAt)!, nearestDistance: 0.62, nearestPersonID: nearest, jpeg: jpeg)))
  }

  /// A recognised person att-take did not mark for liveness, as a camera logs it; with `photo`, a
  /// real photo of them as its crop (--snapshots).
  @discardableResult
  func refusal(
    _ id: String, at capturedAt: String, verdict: LivenessRefusalMessage.Verdict = .spoof, classID: String? = nil,
    photo: String? = nil, reason: String = "a screen's moire (52.1, over the line 40.0)"
  ) throws -> HandlingResult {
    let jpeg = try photo.map { try Data(contentsOf: URL(fileURLWithPath: "\(Checkout.shared)/faces/people/\($0)")) }
    return try handler.apply(
      .livenessRefusal(
        LivenessRefusalMessage(
          personID: id, deviceID: "gate", classID: classID, capturedAt: CapturedTime(capturedAt)!, distance: 0.41,
          verdict: verdict, reason: reason, figures: ["screen_moire": 52.1], jpeg: jpeg)))
  }

  func settings() -> ServeSettings {
    var settings = ServeSettings(
      store: store, media: handler.media, delivery: DirectDelivery(handler: handler), secretKey: Self.secret)
    settings.lateAfter = "09:00"
    // The school is where the fixture's cameras are (their times are written at +01:00 in November).
    settings.clock = SchoolClock(timeZone: TimeZone(identifier: "Europe/Paris")!)
    settings.accessLog = false
    settings.port = 0
    return settings
  }

  /// Excuses `id` on `day` as an admin would from the page, through the handler.
  func excuse(_ id: String, on day: String, classID: String? = nil, note: String) throws {
    let result = try handler.apply(
      .correction(CorrectionMessage(.excuse(personID: id, classID: classID, day: Day(day)!), actor: "ana", note: note)))
    guard case .applied = result.outcome else { throw FixtureError("excuse \(id): \(result.outcome)") }
  }

  func count(_ sql: String) throws -> Int {
    try store.reader { db in try Int.fetchOne(db, sql: sql) ?? 0 }
  }

  struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
  }
}

extension HTTPFields {
  static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
}

/// Decodes a JSON response body.
func json(_ buffer: ByteBuffer) throws -> Any {
  try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
}
