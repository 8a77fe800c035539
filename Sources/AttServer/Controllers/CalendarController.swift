import AttendanceKit
import Foundation
import Hummingbird

/// `GET /api/calendar` (people) and `PUT /api/calendar` (admins): the school weekdays, holidays and
/// each class's start time. A change is audited in its own transaction.
struct CalendarController: Sendable {
  let store: AttendanceStore
  let database: BlockingWork

  func addRoutes(people: RouterGroup<AppContext>, admin: RouterGroup<AppContext>) {
    people.get("calendar") { _, _ in try await database.run { try JSONBody(store.calendar()) } }
    admin.put("calendar") { request, context in
      let calendar = try await request.decode(as: SchoolCalendar.self, context: context)
      let actor = Changes.actor(context)
      return try await database.run { try save(calendar, actor: actor) }
    }
  }

  func save(_ calendar: SchoolCalendar, actor: String) throws -> Response {
    do {
      try store.saveCalendar(calendar, actor: actor)
    } catch let problem as CalendarProblem {
      throw HTTPError(.badRequest, message: problem.description)
    }
    return try JSONBody(store.calendar()).response(status: .ok)
  }
}
