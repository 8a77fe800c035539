import AttendanceKit
import FaceKit
import Foundation
import Hummingbird
import Logging

/// Faces the cameras saw and matched to no one:
/// - `GET /api/unknown-faces` (`all`, paged): open ones, newest first, with the nearest enrolled
///   person; admins also get the address of the snapshot, a viewer is never shown a face;
/// - admins: `GET .../ID/snapshot`, `POST .../ID/enrol` (a new person), `POST .../ID/assign` (a new
///   face of an enrolled person), both a registration through the handler; `POST .../ID/dismiss`.
struct UnknownFacesController: Sendable {
  let store: AttendanceStore
  let media: MediaLibrary
  let database: BlockingWork
  let changes: Changes
  let snapshotDays: Int
  /// Direct mode with models: the embeddings of an enrolled or assigned face are made at once.
  let models: ModelSet?
  let faces: BlockingWork
  let logger: Logger

  func addRoutes(people: RouterGroup<AppContext>, admin: RouterGroup<AppContext>) {
    people.get("unknown-faces") { request, context in
      // Unknown faces belong to no class: a teacher's view has none.
      if context.identity?.classes != nil {
        throw HTTPError(.forbidden, message: "unknown faces belong to no class: the admins deal with them")
      }
      return try await database.run { try list(request, context) }
    }
    admin.get("unknown-faces/:id/snapshot") { _, context in try await database.run { try snapshot(context) } }
    admin.post("unknown-faces/:id/enrol") { request, context in try await enrol(request, context) }
    admin.post("unknown-faces/:id/assign") { request, context in try await assign(request, context) }
    admin.post("unknown-faces/:id/dismiss") { _, context in try await database.run { try dismiss(context) } }
  }

  func list(_ request: Request, _ context: AppContext) throws -> JSONBody {
    let q = Query(request)
    let limit = try q.limit()
    let admin = context.identity?.role == .admin
    let rows = try store.unknownFaces(limit: limit + 1, before: try q.integer("before"), resolved: try q.flag("all"))
    return try JSONBody(
      ReviewPage(
        rows, limit: limit, snapshotsKeptDays: snapshotDays, id: \.id, show: { admin ? $0 : $0.withoutSnapshot },
        snapshot: { admin && $0.mediaPath != nil ? "/api/unknown-faces/\($0.id)/snapshot" : nil }))
  }

  func snapshot(_ context: AppContext) throws -> Response {
    let id = try context.numericID("unknown face")
    guard let face = try store.unknownFace(id), let path = face.mediaPath else {
      throw HTTPError(.notFound, message: "no snapshot is kept for unknown face \(id)")
    }
    return try media.jpegResponse(path)
  }

  struct Enrolment: Decodable {
    let personID: String
    let name: String
    let classID: String?

    enum CodingKeys: String, CodingKey {
      case name
      case personID = "person_id"
      case classID = "class_id"
    }
  }

  /// Enrols the unknown face as a new person: a registration of its snapshot through the handler.
  /// Its embedding is made here at once in direct mode (by att-worker in queue mode), so the person
  /// is recognised from the next frame; the answer says whether they are recognisable.
  func enrol(_ request: Request, _ context: AppContext) async throws -> Response {
    let enrolment = try await request.decode(as: Enrolment.self, context: context)
    let id = try context.numericID("unknown face")
    if let problem = PersonIdentity.validate(id: enrolment.personID) {
      throw HTTPError(.badRequest, message: "person_id: \(problem)")
    }
    if let problem = PersonIdentity.validate(name: enrolment.name) { throw HTTPError(.badRequest, message: "name: \(problem)") }
    if let classID = enrolment.classID, PersonIdentity.validate(id: classID) != nil {
      throw HTTPError(.badRequest, message: "class_id: '\(classID.prefix(40))' is not a valid class id")
    }
    let actor = Changes.actor(context)
    let receipt = try await database.run {
      if try store.person(enrolment.personID) != nil {
        throw HTTPError(
          .conflict, message: "'\(enrolment.personID)' is already enrolled: use \"this is\" to add the face to them")
      }
      return try register(
        id, personID: enrolment.personID, name: enrolment.name, classID: enrolment.classID, resolution: "enrolled", actor: actor)
    }
    return try await recognisable(enrolment.personID, after: receipt)
  }

  /// The answer to an enrolment or an assignment, with the person's embeddings made first when this
  /// server can (direct mode, models found): `recognisable` says whether cameras can now match them.
  func recognisable(_ personID: String, after receipt: DeliveryReceipt) async throws -> Response {
    struct Answer: Encodable {
      let status: String
      let recognisable: Bool
      let embeddings: Int
      let detail: String
    }
    if case .queued = receipt {
      return try JSONBody(
        Answer(
          status: "queued", recognisable: false, embeddings: 0,
          detail: "sent: att-worker applies it and makes the embeddings, then cameras recognise them")
      ).response(status: .accepted)
    }
    guard let models else {
      return try JSONBody(
        Answer(
          status: "applied", recognisable: false, embeddings: 0,
          detail: "not yet recognisable: run att-extract on this server to make the embeddings")
      ).response(status: .ok)
    }
    let (store, media) = (self.store, self.media)
    do {
      let summary = try await faces.run {
        try EmbeddingUpdate.afterRegistration(of: personID, store: store, media: media, models: models, workers: 1)
      }
      let made = summary.computed
      return try JSONBody(
        Answer(
          status: "applied", recognisable: made > 0, embeddings: made,
          detail: made > 0
            ? "recognisable now: \(made) embedding\(made == 1 ? "" : "s") made"
            : "not yet recognisable: no usable face was found in the snapshot")
      ).response(status: .ok)
    } catch {
      logger.error("embeddings of \(personID): \(error)")
      return try JSONBody(
        Answer(
          status: "applied", recognisable: false, embeddings: 0,
          detail: "not yet recognisable: the embeddings could not be made here (\(error)); run att-extract")
      ).response(status: .ok)
    }
  }

  struct Assignment: Decodable {
    let personID: String

    enum CodingKeys: String, CodingKey {
      case personID = "person_id"
    }
  }

  /// "This is <person>": the snapshot becomes a new face sample of an enrolled person.
  func assign(_ request: Request, _ context: AppContext) async throws -> Response {
    let assignment = try await request.decode(as: Assignment.self, context: context)
    let id = try context.numericID("unknown face")
    if let problem = PersonIdentity.validate(id: assignment.personID) {
      throw HTTPError(.badRequest, message: "person_id: \(problem)")
    }
    let actor = Changes.actor(context)
    let receipt = try await database.run {
      guard let person = try store.person(assignment.personID), person.active else {
        throw HTTPError(.notFound, message: "no enrolled person '\(assignment.personID)'")
      }
      return try register(id, personID: person.id, name: person.name, classID: nil, resolution: "assigned", actor: actor)
    }
    return try await recognisable(assignment.personID, after: receipt)
  }

  func register(_ id: Int64, personID: String, name: String, classID: String?, resolution: String, actor: String) throws
    -> DeliveryReceipt
  {
    guard let face = try store.unknownFace(id) else { throw HTTPError(.notFound, message: "no unknown face \(id)") }
    guard face.resolution == nil else {
      throw HTTPError(.conflict, message: "unknown face \(id) was already \(face.resolution!)")
    }
    guard let path = face.mediaPath, let jpeg = FileManager.default.contents(atPath: media.fullPath(path)) else {
      throw HTTPError(.unprocessableContent, message: "no snapshot is kept for unknown face \(id) (snapshots off, or expired)")
    }
    let receipt = try changes.delivery.deliver(
      .register(
        RegisterMessage(
          personID: personID, name: name, faces: [FaceCrop(jpeg: jpeg)],
          source: "unknown face \(id) (\(face.deviceID ?? "camera"))",
          capturedAt: CapturedTime(face.capturedAt) ?? CapturedTime(Date()), classID: classID)))
    if case .applied(let result) = receipt, case .rejected(let reason) = result.outcome {
      throw HTTPError(.unprocessableContent, message: reason)
    }
    _ = try store.resolveUnknownFace(id, resolution: resolution, person: personID, actor: actor, media: media)
    logger.notice("\(actor): unknown face \(id) \(resolution) as \(personID)")
    return receipt
  }

  func dismiss(_ context: AppContext) throws -> Response {
    let id = try context.numericID("unknown face")
    guard try store.resolveUnknownFace(id, resolution: "dismissed", person: nil, actor: Changes.actor(context), media: media)
    else { throw HTTPError(.notFound, message: "no open unknown face \(id)") }
    return try JSONBody(["status": "dismissed"]).response(status: .ok)
  }
}
