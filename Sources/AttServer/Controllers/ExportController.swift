import AttendanceKit
import Foundation
import Hummingbird
import NIOCore

/// `GET /api/register` and `GET /api/export/register.csv` (the register, for people),
/// `GET /api/export/summary.csv` (the seed's per-person report) and `GET /api/export/events.csv`
/// (every record, streamed a page at a time), with the attendance filters.
struct ExportController: Sendable {
  let store: AttendanceStore
  let database: BlockingWork
  let clock: SchoolClock
  let lateAfter: String?

  func addRoutes(people: RouterGroup<AppContext>) {
    // The register for people: a class (or everyone) over a range, a column per school day; the
    // page's table (JSON) and the file an office keeps (CSV) are the same value.
    people.get("register") { request, context in try JSONBody(try await register(request, context)) }
    people.get("export/register.csv") { request, context in
      let register = try await register(request, context)
      return csv(ResponseBody(byteBuffer: ByteBuffer(string: register.csv)), filename: register.filename)
    }
    people.get("export/summary.csv") { request, context in
      var asked = try Query(request).filter()
      asked.classID = try context.scopedClass(asked.classID)
      let filter = asked
      let today = clock.today()
      return csv(try await database.run { try store.summaryCSV(filter, today: today) }, name: "attendance-summary")
    }
    people.get("export/events.csv") { request, context in try events(request, context) }
  }

  func register(_ request: Request, _ context: AppContext) async throws -> Register {
    let q = Query(request)
    let (from, to) = try q.reportRange(today: clock.today())
    let classID = try context.scopedClass(try q.identifier("class"))
    let (store, lateAfter, now, zone) = (self.store, self.lateAfter, SchoolNow(clock), clock.timeZone)
    return try await database.run {
      try store.register(classID: classID, from: from, to: to, lateAfter: lateAfter, now: now, timeZone: zone)
    }
  }

  /// Streamed a page of 5,000 records at a time: a year of a large site never sits in memory.
  func events(_ request: Request, _ context: AppContext) throws -> Response {
    var asked = try Query(request).filter()
    asked.classID = try context.scopedClass(asked.classID)
    let (filter, store, database) = (asked, self.store, self.database)
    let body = ResponseBody { writer in
      try await store.eventsCSV(filter, reading: { page in try await database.run(page) }) {
        try await writer.write(ByteBuffer(string: $0))
      }
      try await writer.finish(nil)
    }
    return csv(body, name: "attendance-events")
  }

  func csv(_ text: String, name: String) -> Response {
    csv(ResponseBody(byteBuffer: ByteBuffer(string: text)), name: name)
  }

  func csv(_ body: ResponseBody, name: String) -> Response {
    csv(body, filename: "\(name)-\(clock.today().text).csv")
  }

  func csv(_ body: ResponseBody, filename: String) -> Response {
    Response(
      status: .ok,
      headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\""],
      body: body)
  }
}
