import AttendanceKit
import Foundation
import Hummingbird

/// Attendance, and the office's corrections of it:
/// - `GET /api/attendance` (paged, filtered), `/api/summary`, `/api/daily`, `/api/roster`, `/api/classes`;
/// - admins, and teachers in their classes: `POST /api/attendance` (mark present by hand),
///   `DELETE /api/attendance/ID` (a wrong record), `POST` and `DELETE /api/excusals`: each a
///   correction message through the handler;
/// - admins: `GET /api/attendance/ID/snapshot`, the crop the camera sent with a record (att-take
///   --snapshots), to check who a camera marked.
/// A teacher reads their classes only, one at a time (`class=` is required).
struct AttendanceController: Sendable {
  let store: AttendanceStore
  let media: MediaLibrary
  let database: BlockingWork
  let changes: Changes
  let lateAfter: String?
  let clock: SchoolClock

  func addRoutes(people: RouterGroup<AppContext>, correctors: RouterGroup<AppContext>, admin: RouterGroup<AppContext>) {
    people.get("attendance") { request, context in try await database.run { try attendance(request, context) } }
    people.get("summary") { request, context in try await database.run { try summary(request, context) } }
    people.get("daily") { request, context in try await database.run { try daily(request, context) } }
    people.get("roster") { request, context in try await database.run { try roster(request, context) } }
    people.get("classes") { _, context in
      let mine = context.identity?.classes
      return try await database.run { try JSONBody(store.classes().filter { mine?.contains($0.id) ?? true }) }
    }
    correctors.post("attendance") { request, context in
      let correction = try await Changes.decode(Correction.self, from: request)
      return try await database.run { try markPresent(correction, context) }
    }
    correctors.delete("attendance/:id") { request, context in try await database.run { try deleteRecord(request, context) } }
    correctors.post("excusals") { request, context in
      let excuse = try await Changes.decode(Excuse.self, from: request)
      let (message, day) = try self.excuse(excuse, context)
      return try await database.run {
        try inScope(excuse.personID, message.classID, context)
        try refuseNonSchoolDay(day, "excuse")
        return try changes.correct(message, checked: true)
      }
    }
    correctors.delete("excusals") { request, context in try await database.run { try unexcuse(request, context) } }
    admin.get("attendance/:id/snapshot") { _, context in try await database.run { try snapshot(context) } }
  }

  /// A teacher corrects a pupil of their classes, for one of their classes (named); others anyone.
  func inScope(_ personID: String, _ classID: String?, _ context: AppContext) throws {
    guard context.identity?.classes != nil else { return }
    _ = try context.scopedClass(classID)
    try context.requireInScope(try store.person(personID), id: personID)
  }

  // MARK: reads

  func attendance(_ request: Request, _ context: AppContext) throws -> JSONBody {
    let q = Query(request)
    var filter = try q.filter()
    filter.classID = try context.scopedClass(filter.classID)
    return try JSONBody(store.attendance(filter, limit: try q.limit(), before: try q.integer("before")))
  }

  /// The face (and what was around it) that a camera marked, for an admin checking its arrivals.
  func snapshot(_ context: AppContext) throws -> Response {
    let id = try context.numericID("attendance")
    guard let path = try store.attendanceSnapshot(id) else {
      throw HTTPError(.notFound, message: "no snapshot is kept for attendance record \(id)")
    }
    return try media.jpegResponse(path)
  }

  func summary(_ request: Request, _ context: AppContext) throws -> JSONBody {
    let q = Query(request)
    return try JSONBody(
      store.summary(
        day: try q.day("date") ?? clock.today(), classID: try context.scopedClass(try q.identifier("class")),
        lateAfter: lateAfter,
        now: SchoolNow(clock), timeZone: clock.timeZone))
  }

  /// Present, late, absent and excused per school day over the range (the last 30 days by default).
  func daily(_ request: Request, _ context: AppContext) throws -> JSONBody {
    let q = Query(request)
    let (from, to) = try q.reportRange(today: clock.today())
    return try JSONBody(
      store.daily(
        from: from, to: to, classID: try context.scopedClass(try q.identifier("class")), lateAfter: lateAfter,
        now: SchoolNow(clock), timeZone: clock.timeZone))
  }

  /// The day's roll with each person's state (present, marked by hand, excused, absent), late or not.
  func roster(_ request: Request, _ context: AppContext) throws -> JSONBody {
    let q = Query(request)
    return try JSONBody(
      store.roster(
        day: try q.day("date") ?? clock.today(), classID: try context.scopedClass(try q.identifier("class")),
        lateAfter: lateAfter,
        now: SchoolNow(clock), timeZone: clock.timeZone))
  }

  // MARK: corrections

  struct Correction: Decodable {
    let personID: String
    let day: String
    let time: String?
    let classID: String?
    let direction: String?
    let note: String?

    enum CodingKeys: String, CodingKey {
      case day, time, direction, note
      case personID = "person_id"
      case classID = "class_id"
    }
  }

  /// A manual attendance record (a person the camera missed); `exactly`: the moment a camera saw
  /// them, to the second and in its offset (a liveness refusal marked present on review), checked
  /// as `c`'s day and minute are.
  func markPresent(_ c: Correction, exactly: CapturedTime? = nil, _ context: AppContext) throws -> Response {
    guard let day = Day(c.day) else {
      throw HTTPError(
        .badRequest, message: "day: '\(LogText.safe(c.day, limit: 40))' is not a date (YYYY-MM-DD, years \(Day.years))")
    }
    let time = c.time ?? "09:00"
    guard let at = ClockTime(time) else { throw HTTPError(.badRequest, message: "time: '\(time.prefix(40))' is not HH:MM") }
    if let direction = c.direction, direction != "in" {
      throw HTTPError(.badRequest, message: "direction: a record marked by hand is an arrival ('in')")
    }
    let message = CorrectionMessage(
      .markPresent(
        personID: c.personID, classID: c.classID,
        at: exactly ?? CapturedTime(day.date(at: at, in: clock.timeZone), timeZone: clock.timeZone)),
      actor: Changes.actor(context), note: c.note)
    try Changes.check(message)
    // Nobody is marked present for a time still to come, or on a day without school.
    let today = clock.today()
    if day > today || (day == today && time > clock.clockTime()) {
      throw HTTPError(
        .badRequest, message: "\(day) \(time) is still to come (it is \(today) \(clock.clockTime()) at the school)")
    }
    try inScope(c.personID, c.classID, context)
    // A class is made by enrolling its pupils, never by a typo in a mark by hand.
    if let classID = c.classID, case let known = try store.classes().map(\.id), !known.contains(classID) {
      throw HTTPError(
        .badRequest,
        message:
          "class_id: there is no class '\(LogText.safe(classID, limit: 40))' (classes: \(known.sorted().joined(separator: ", ")))"
      )
    }
    try refuseNonSchoolDay(day, "mark present")
    // Nobody counts before they were enrolled: a mark there would show on no roll.
    if let created = try store.person(c.personID)?.createdAt, case let enrolled = Day.today(created, timeZone: clock.timeZone),
      day < enrolled
    {
      throw HTTPError(.badRequest, message: "cannot mark present on \(day): \(c.personID) was enrolled on \(enrolled)")
    }
    return try changes.correct(message, checked: true)
  }

  /// A correction on a weekend or a holiday is refused with the reason (on the database thread).
  func refuseNonSchoolDay(_ day: Day, _ what: String) throws {
    let calendar = try store.calendar()
    guard calendar.isSchoolDay(day) else {
      let why = calendar.holiday(on: day).map { "a holiday (\($0))" } ?? "not a school day in the calendar"
      throw HTTPError(.badRequest, message: "cannot \(what) on \(day): it is \(why)")
    }
  }

  /// Deletes a wrong record. Its observations stay (unlinked), so a replayed message cannot bring it back.
  func deleteRecord(_ request: Request, _ context: AppContext) throws -> Response {
    let id = try context.numericID("attendance")
    let message = CorrectionMessage(
      .deleteRecord(attendanceID: id), actor: Changes.actor(context), note: try Query(request).text("note"))
    try Changes.check(message)
    guard let record = try store.attendanceRecord(id) else { throw HTTPError(.notFound, message: "no attendance record \(id)") }
    if context.identity?.classes != nil {
      // A teacher deletes a record of a pupil of theirs, made for one of their classes or at the gate.
      let person = try store.person(record.personID)
      try context.requireInScope(person, id: record.personID)
      if let classID = record.classID {
        _ = try context.scopedClass(classID)
      } else if let mine = context.identity?.classes, let others = person.map({ Set($0.classes).subtracting(mine) }),
        !others.isEmpty
      {
        // A gate record counts for every class of the pupil: deleting it would change classes they do not see.
        throw HTTPError(
          .forbidden,
          message:
            "this record is from a camera without a class and counts for \(others.sorted().joined(separator: ", ")) too: ask an admin to delete it"
        )
      }
    }
    return try changes.correct(message, checked: true)
  }

  struct Excuse: Decodable {
    let personID: String
    let day: String
    let classID: String?
    let note: String?

    enum CodingKeys: String, CodingKey {
      case day, note
      case personID = "person_id"
      case classID = "class_id"
    }
  }

  /// The excusal as a correction message, and its day, checked.
  func excuse(_ excuse: Excuse, _ context: AppContext) throws -> (CorrectionMessage, Day) {
    guard let day = Day(excuse.day) else {
      throw HTTPError(.badRequest, message: "day: '\(LogText.safe(excuse.day, limit: 40))' is not a date (YYYY-MM-DD)")
    }
    let message = CorrectionMessage(
      .excuse(personID: excuse.personID, classID: excuse.classID, day: day), actor: Changes.actor(context), note: excuse.note)
    try Changes.check(message)
    return (message, day)
  }

  func unexcuse(_ request: Request, _ context: AppContext) throws -> Response {
    let q = Query(request)
    guard let person = try q.identifier("person_id") else { throw HTTPError(.badRequest, message: "person_id: give the person") }
    guard let day = try q.day("day") else { throw HTTPError(.badRequest, message: "day: give the day (YYYY-MM-DD)") }
    try inScope(person, try q.identifier("class"), context)
    return try changes.correct(
      CorrectionMessage(.unexcuse(personID: person, classID: try q.identifier("class"), day: day), actor: Changes.actor(context)))
  }
}
