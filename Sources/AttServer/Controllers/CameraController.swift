import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The camera hosts' side of the API and the cameras' view for people:
/// - `GET /api/gallery` (camera tokens only): the embeddings matching needs, whole or as the changes
///   since the camera's version, 304 when it has the newest;
/// - `POST /api/devices/status` (camera tokens only): the camera's status, answered with the
///   gallery's version (so a camera without the broker learns of changes at its next report);
/// - `GET /api/devices` (people): every camera, online, stale or offline;
/// - `PATCH /api/devices/ID` (admins): a camera's name and location, audited.
struct CameraController: Sendable {
  let store: AttendanceStore
  let database: BlockingWork
  let logger: Logger

  func addRoutes(cameras: RouterGroup<AppContext>, people: RouterGroup<AppContext>, admin: RouterGroup<AppContext>) {
    cameras.get("gallery") { request, _ in try await database.run { try gallery(request) } }
    cameras.post("devices/status") { request, context in try await status(request, context) }
    people.get("devices") { _, _ in try await database.run { try JSONBody(store.cameras()) } }
    admin.patch("devices/:id") { request, context in try await describe(request, context) }
  }

  func gallery(_ request: Request) throws -> Response {
    let q = Query(request)
    let model = try q.text("model") ?? EmbeddingModel.standard.id
    guard model.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_+-.".contains($0)) }) else {
      throw q.bad("model", "not a model id (such as \(EmbeddingModel.standard.id))")
    }
    var since: GalleryVersion?
    if let text = try q.text("since") {
      guard let version = GalleryVersion(text) else {
        throw q.bad("since", "give the version a gallery came with (GALLERY:NUMBER)")
      }
      since = version
    }
    let current = try store.galleryVersion()
    let tag = Self.etag(current, model: model)
    if since == current || request.headers[.ifNoneMatch] == tag {
      return Response(status: .notModified, headers: [.eTag: tag, .cacheControl: "private, no-cache"])
    }
    let update = try store.galleryUpdate(model: model, since: since)
    let body = try GalleryUpdate.encoder.encode(update)
    return Response(
      status: .ok,
      headers: [
        .contentType: "application/json", .eTag: Self.etag(update.galleryVersion, model: model),
        .cacheControl: "private, no-cache",
      ], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
  }

  static func etag(_ version: GalleryVersion, model: String) -> String { "\"\(version):\(model)\"" }

  func status(_ request: Request, _ context: AppContext) async throws -> Response {
    let body = try await request.body.collect(upTo: 16 * 1024)
    let report: CameraStatus
    do {
      report = try CameraStatus.decoder.decode(CameraStatus.self, from: Data(buffer: body))
    } catch let error as DecodingError {
      throw HTTPError(.badRequest, message: "status: \(error.field)")
    }
    if let problem = report.problem() { throw HTTPError(.badRequest, message: "status: \(problem)") }
    let reporter = context.identity?.name ?? "?"
    let version: GalleryVersion
    do {
      version = try await database.run {
        try store.saveCameraStatus(report, reportedBy: reporter)
        return try store.galleryVersion()
      }
    } catch let claimed as AttendanceStore.CameraClaimed {
      throw HTTPError(.conflict, message: claimed.description)
    } catch let refused as AttendanceStore.CameraNotAllowed {
      throw HTTPError(.forbidden, message: refused.description)
    }
    return try JSONBody(["gallery_version": version.description]).response(status: .ok)
  }

  struct Description: Decodable {
    let name: String?
    let location: String?
  }

  func describe(_ request: Request, _ context: AppContext) async throws -> Response {
    // Camera ids hold ':' (every default id is host:source), which the page percent-encodes.
    let raw = context.parameters.get("id") ?? ""
    let id = raw.removingPercentEncoding ?? raw
    if let problem = DeviceID.problem(id) { throw HTTPError(.badRequest, message: "camera id: \(problem)") }
    let change = try await request.decode(as: Description.self, context: context)
    for (field, value, limit) in [("name", change.name, 100), ("location", change.location, 200)] {
      if let value, value.count > limit || value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
        throw HTTPError(.badRequest, message: "\(field): use at most \(limit) characters, without control characters")
      }
    }
    guard change.name != nil || change.location != nil else {
      throw HTTPError(.badRequest, message: "give a name, a location or both")
    }
    let actor = context.identity.map { "\($0.name)\($0.viaCookie ? "" : " (token)")" } ?? "?"
    let found = try await database.run {
      try store.describeCamera(id, name: change.name, location: change.location, actor: actor)
    }
    guard found else { throw HTTPError(.notFound, message: "no camera '\(LogText.safe(id))'") }
    logger.notice("\(actor): camera described \(LogText.safe(id))")
    return try JSONBody(["status": "applied"]).response(status: .ok)
  }

  /// The cameras in Prometheus text: how many are in each state, and for each that reported whether
  /// it is up, its frame rate, drops and report age (gauges of this scrape: a removed camera leaves
  /// no series behind).
  func prometheus(now: Date = Date()) throws -> String {
    let cameras = try store.cameras(now: now)
    return ServerMetrics.snapshot { gauge in
      for state in [CameraView.State.online, .stale, .offline, .unreported] {
        gauge("att_cameras", [("state", state.rawValue)], Double(cameras.filter { $0.state == state }.count))
      }
      for camera in cameras {
        guard let status = camera.status else { continue }
        let device = [("device", camera.id)]
        gauge("att_camera_up", device, camera.state == .online ? 1 : 0)
        gauge("att_camera_frames_per_second", device, status.framesPerSecond ?? 0)
        gauge("att_camera_dropped_frames", device, Double(status.dropped))
        gauge("att_camera_report_age_seconds", device, camera.lastReportAt.map { max(now.timeIntervalSince($0), 0) } ?? 0)
      }
    }
  }
}

extension DecodingError {
  /// Which field was wrong and how, for a 400 that names it.
  var field: String {
    func path(_ context: Context) -> String {
      let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
      return text.isEmpty ? "the body" : "'\(text)'"
    }
    switch self {
    case .keyNotFound(let key, let context):
      return "'\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))' is missing"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      return "\(path(context)) has the wrong type"
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty ? "the body is not JSON" : "\(path(context)): \(context.debugDescription)"
    @unknown default:
      return "the body cannot be read"
    }
  }
}
