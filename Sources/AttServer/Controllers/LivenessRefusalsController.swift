import AttendanceKit
import Foundation
import Hummingbird
import Logging

/// Recognised people att-take did not mark for liveness (an attack vote, a failed challenge, never
/// judged live), for review: a friend's phone held up, or a live pupil refused by mistake.
/// - `GET /api/liveness-refusals` (`all`, paged; a teacher names `class=`): open ones (neither
///   reviewed nor since marked present that day), newest first; admins also get the crop's address;
/// - admins, and teachers for their classes' pupils: `POST .../ID/present` marks the person present
///   at the moment the camera saw them (a correction, as `POST /api/attendance`, with the refusal
///   in its note), `POST .../ID/dismiss` (an attack, or nothing to mark);
/// - admins: `GET .../ID/snapshot`;
/// - `GET /api/liveness-summary` (`from`, `to`: the last 30 days by default; a teacher names
///   `class=`): what liveness did over those days, counted from the records and the review
///   (`LivenessSummary`): the site's own measure of the live people it refused and of the marks a
///   reviewer deleted.
struct LivenessRefusalsController: Sendable {
  let store: AttendanceStore
  let media: MediaLibrary
  let database: BlockingWork
  let snapshotDays: Int
  let attendance: AttendanceController
  let logger: Logger

  func addRoutes(people: RouterGroup<AppContext>, correctors: RouterGroup<AppContext>, admin: RouterGroup<AppContext>) {
    people.get("liveness-refusals") { request, context in try await database.run { try list(request, context) } }
    people.get("liveness-summary") { request, context in try await database.run { try summary(request, context) } }
    admin.get("liveness-refusals/:id/snapshot") { _, context in try await database.run { try snapshot(context) } }
    correctors.post("liveness-refusals/:id/present") { request, context in
      let choice = try await Choice(request)
      return try await database.run { try present(choice, context) }
    }
    correctors.post("liveness-refusals/:id/dismiss") { _, context in try await database.run { try dismiss(context) } }
  }

  func list(_ request: Request, _ context: AppContext) throws -> JSONBody {
    let q = Query(request)
    let limit = try q.limit()
    let admin = context.identity?.role == .admin
    let classID = try context.scopedClass(try q.identifier("class"))
    let rows = try store.livenessRefusals(
      limit: limit + 1, before: try q.integer("before"), all: try q.flag("all"), classID: classID)
    return try JSONBody(
      ReviewPage(
        rows, limit: limit, snapshotsKeptDays: snapshotDays, id: \.id, show: { admin ? $0 : $0.withoutSnapshot },
        snapshot: { admin && $0.mediaPath != nil ? "/api/liveness-refusals/\($0.id)/snapshot" : nil }))
  }

  func summary(_ request: Request, _ context: AppContext) throws -> JSONBody {
    let q = Query(request)
    let (from, to) = try q.reportRange(today: attendance.clock.today())
    let classID = try context.scopedClass(try q.identifier("class"))
    return try JSONBody(try store.livenessSummary(from: from, to: to, classID: classID))
  }

  func snapshot(_ context: AppContext) throws -> Response {
    let id = try context.numericID("liveness refusal")
    guard let refusal = try store.livenessRefusal(id), let path = refusal.mediaPath else {
      throw HTTPError(.notFound, message: "no snapshot is kept for liveness refusal \(id)")
    }
    return try media.jpegResponse(path)
  }

  /// The class to mark a refused person present in, when the camera had none (a gate camera): a
  /// teacher must name one of theirs.
  struct Choice: Decodable {
    let classID: String?
    enum CodingKeys: String, CodingKey { case classID = "class_id" }

    /// From the request's body, which may be empty (the camera's class, if it had one).
    init(_ request: Request) async throws {
      let body = try await request.body.collect(upTo: 4096)
      guard body.readableBytes > 0 else {
        classID = nil
        return
      }
      do {
        classID = try JSONDecoder().decode(Choice.self, from: Data(buffer: body)).classID
      } catch let error as DecodingError {
        throw HTTPError(.badRequest, message: error.field)
      }
    }
  }

  /// The refusal, open, and a person the caller may correct (a teacher: a pupil of their classes).
  func openRefusal(_ context: AppContext) throws -> LivenessRefusalRecord {
    let id = try context.numericID("liveness refusal")
    guard let refusal = try store.livenessRefusal(id) else { throw HTTPError(.notFound, message: "no liveness refusal \(id)") }
    try context.requireInScope(try store.person(refusal.personID), id: refusal.personID)
    if let resolution = refusal.resolution {
      throw HTTPError(
        .conflict,
        message:
          "liveness refusal \(id) was already reviewed (\(resolution == "present" ? "marked present" : resolution)) by \(refusal.resolvedBy ?? "someone")"
      )
    }
    return refusal
  }

  /// Marks the person present at the moment the camera saw them (to the second, in the camera's
  /// offset, as its own record would have been), with every check of a mark by hand
  /// (a school day, not before enrolment, a teacher's class), then closes the refusal.
  func present(_ choice: Choice, _ context: AppContext) throws -> Response {
    let refusal = try openRefusal(context)
    guard refusal.direction == "in" else {
      throw HTTPError(
        .unprocessableContent, message: "liveness refusal \(refusal.id) was at an exit: only an arrival is marked by hand")
    }
    // A teacher of one class marks in it; of several, names one.
    let mine = context.identity?.classes
    let classID = choice.classID ?? refusal.classID ?? (mine?.count == 1 ? mine?.first : nil)
    if classID == nil, let mine {
      throw HTTPError(
        .badRequest,
        message:
          "class_id: the camera had no class: name one of yours to mark \(refusal.personID) in (\(mine.sorted().joined(separator: ", ")))"
      )
    }
    let note = LogText.safe(
      "not marked by \(refusal.deviceID ?? "a camera") (\(refusal.verdict): \(refusal.reason)); marked present on review",
      limit: 480)
    let response = try attendance.markPresent(
      AttendanceController.Correction(
        personID: refusal.personID, day: refusal.localDay, time: String(refusal.capturedAt.dropFirst(11).prefix(5)),
        classID: classID, direction: nil, note: note),
      exactly: CapturedTime(refusal.capturedAt), context)
    let actor = Changes.actor(context)
    _ = try store.resolveLivenessRefusal(refusal.id, resolution: "present", actor: actor, media: media)
    logger.notice("\(actor): liveness refusal \(refusal.id) of \(refusal.personID) marked present")
    return response
  }

  func dismiss(_ context: AppContext) throws -> Response {
    let refusal = try openRefusal(context)
    guard try store.resolveLivenessRefusal(refusal.id, resolution: "dismissed", actor: Changes.actor(context), media: media)
    else { throw HTTPError(.notFound, message: "no open liveness refusal \(refusal.id)") }
    return try JSONBody(["status": "dismissed"]).response(status: .ok)
  }
}
