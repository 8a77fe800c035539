import AttendanceKit
import Foundation
import Hummingbird

/// Enrolled people:
/// - `GET /api/people` (`class`, `q`, `all`), `GET /api/people/ID`;
/// - `GET /api/people/ID/attendance` (paged) and `GET /api/people/ID/report` (a range of days);
/// - admins: `GET /api/people/ID/photo` (the first enrolment image), `PATCH /api/people/ID` (rename)
///   and `DELETE /api/people/ID` (`keep_attendance`), both through the handler.
struct PeopleController: Sendable {
  let store: AttendanceStore
  let media: MediaLibrary
  let database: BlockingWork
  let changes: Changes
  let lateAfter: String?
  let clock: SchoolClock

  func addRoutes(people: RouterGroup<AppContext>, admin: RouterGroup<AppContext>) {
    people.get("people") { request, context in try await database.run { try list(request, context) } }
    people.get("people/:id") { _, context in try await database.run { try person(context) } }
    people.get("people/:id/attendance") { request, context in try await database.run { try attendance(request, context) } }
    people.get("people/:id/report") { request, context in try await database.run { try report(request, context) } }
    admin.get("people/:id/photo") { _, context in try await database.run { try photo(context) } }
    admin.patch("people/:id") { request, context in
      let change = try await request.decode(as: Rename.self, context: context)
      return try await database.run { try rename(change, context) }
    }
    admin.delete("people/:id") { request, context in try await database.run { try remove(request, context) } }
  }

  func list(_ request: Request, _ context: AppContext) throws -> JSONBody {
    let q = Query(request)
    let classID = try q.identifier("class").map { try context.scopedClass($0) } ?? nil
    let search = try q.text("q")
    var people = try store.people(includeRemoved: try q.flag("all")).filter(context.sees)
    if let classID { people = people.filter { $0.classes.contains(classID) } }
    // "zoe" finds Zoë: case and accents do not matter.
    if let search {
      let options: String.CompareOptions = [.caseInsensitive, .diacriticInsensitive]
      people = people.filter {
        $0.name.range(of: search, options: options) != nil || $0.id.range(of: search, options: options) != nil
      }
    }
    return try JSONBody(people)
  }

  /// The person, when they exist and the asker may see them (a teacher: in one of their classes).
  func existing(_ id: String, _ context: AppContext) throws -> PersonRecord {
    let person = try store.person(id)
    try context.requireInScope(person, id: id)
    guard let person else { throw HTTPError(.notFound, message: "no person '\(id)'") }
    return person
  }

  func person(_ context: AppContext) throws -> JSONBody {
    try JSONBody(try existing(try context.personID(), context))
  }

  func attendance(_ request: Request, _ context: AppContext) throws -> JSONBody {
    let id = try context.personID()
    _ = try existing(id, context)
    let q = Query(request)
    var filter = try q.filter()
    filter.personID = id
    return try JSONBody(store.attendance(filter, limit: try q.limit(), before: try q.integer("before")))
  }

  /// A person's days over a range (the last 30 by default): each school day's state from the
  /// roster, and the counts and attendance rate over the school days since their enrolment.
  func report(_ request: Request, _ context: AppContext) throws -> JSONBody {
    let id = try context.personID()
    let person = try existing(id, context)
    let (from, to) = try Query(request).reportRange(today: clock.today())
    struct DayState: Encodable {
      let day: String
      let schoolDay: Bool
      let entry: Roster.Entry

      enum CodingKeys: String, CodingKey {
        case day, entry
        case schoolDay = "school_day"
      }
    }
    struct Report: Encodable {
      let person: PersonRecord
      let from: String
      let to: String
      /// School days on which the person was enrolled.
      let schoolDays: Int
      let present: Int
      let late: Int
      let manual: Int
      let excused: Int
      let absent: Int
      /// Present on school days over school days less excused ones; nil when there were none.
      let rate: Double?
      /// Newest first: every school day since enrolment, and any other day with a record.
      let days: [DayState]

      enum CodingKeys: String, CodingKey {
        case person, from, to, present, late, manual, excused, absent, rate, days
        case schoolDays = "school_days"
      }
    }
    let days = try store.rosters(
      from: from, to: to, classID: nil, lateAfter: lateAfter, personID: id, now: SchoolNow(clock), timeZone: clock.timeZone
    ).compactMap { roster in
      roster.entries.first { $0.personID == id && $0.status != .notExpected }.map {
        DayState(day: roster.day, schoolDay: roster.schoolDay, entry: $0)
      }
    }
    // A day not yet come (or today before the class starts) is no session yet.
    let school = days.filter { $0.schoolDay && $0.entry.status != .notYet }
    let here = days.filter { $0.entry.status == .present || $0.entry.status == .manual }
    let hereOnSchoolDays = school.filter { $0.entry.status == .present || $0.entry.status == .manual }.count
    let excused = school.filter { $0.entry.status == .excused }.count
    let base = school.count - excused
    return try JSONBody(
      Report(
        person: person, from: from.text, to: to.text, schoolDays: school.count, present: here.count,
        late: here.filter(\.entry.late).count, manual: here.filter { $0.entry.status == .manual }.count, excused: excused,
        absent: school.filter { $0.entry.status == .absent }.count,
        rate: base > 0 ? Double(hereOnSchoolDays) / Double(base) : nil, days: days.reversed()))
  }

  func photo(_ context: AppContext) throws -> Response {
    let id = try context.personID()
    guard let path = try store.thumbnailPath(id) else { throw HTTPError(.notFound, message: "no face image of '\(id)'") }
    return try media.jpegResponse(path)
  }

  struct Rename: Decodable { let name: String }

  func rename(_ change: Rename, _ context: AppContext) throws -> Response {
    let id = try context.personID()
    let actor = Changes.actor(context)
    let message = Message.renamePerson(RenamePersonMessage(personID: id, name: change.name, actor: actor))
    try Changes.check(message)
    _ = try existing(id, context)
    return try changes.deliver(message, by: actor, "rename \(id)", checked: true)
  }

  func remove(_ request: Request, _ context: AppContext) throws -> Response {
    let id = try context.personID()
    let keep = try Query(request).flag("keep_attendance")
    _ = try existing(id, context)
    let actor = Changes.actor(context)
    return try changes.deliver(
      .removePerson(RemovePersonMessage(personID: id, keepAttendance: keep, actor: actor)), by: actor,
      "remove \(id)\(keep ? ", attendance kept" : "")")
  }
}
