import AttTestSupport
import Foundation
import GRDB
import Testing

@testable import AttendanceKit

/// The one day rule (`rosters`), checked on random schools: every view comes from it, so the views
/// cannot disagree, and on every school day its counts split the roll with nothing left over.
@Suite("The day rule: counts that add up, on random calendars", .testThreads)
struct DayRuleTests {
  /// A small deterministic generator (the seed is printed with any failure).
  struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  @Test("random calendars, memberships, gate and class arrivals, excusals and hand corrections", arguments: 1...6)
  func partitions(seed: Int) throws {
    var random = Generator(state: UInt64(seed))
    let folder = try Checkout.scratchFolder("day-rule-\(seed)")
    let store = try AttendanceStore(location: DatabaseLocation(path: "\(folder)/attendance.db"))
    let handler = MessageHandler(store: store, media: MediaLibrary(root: "\(folder)/media"))
    let jpeg = try Data(contentsOf: URL(fileURLWithPath: "\(Checkout.testImages)/obama.jpg"))
    let classes = ["7A", "7B", "8C"]
    let people = (1...12).map { String(format: "P%02d", $0) }
    for (n, id) in people.enumerated() {
      let first = classes[n % classes.count]
      _ = try handler.apply(
        .register(
          RegisterMessage(
            personID: id, name: "Pupil \(n)", faces: [FaceCrop(jpeg: jpeg)], source: "test",
            capturedAt: "2026-11-01T08:00:00+00:00", classID: first)))
      if Bool.random(using: &random) {  // some pupils are in two classes
        _ = try handler.apply(
          .register(
            RegisterMessage(
              personID: id, name: "Pupil \(n)", faces: [FaceCrop(jpeg: jpeg)], source: "test",
              capturedAt: "2026-11-01T08:00:00+00:00", classID: classes[(n + 1) % classes.count])))
      }
    }
    // Enrolled on different days of the month.
    try store.write { db in
      for id in people {
        try db.execute(
          sql: "UPDATE people SET created_at = ? WHERE id = ?",
          arguments: [String(format: "2026-11-%02d 07:00:00.000", Int.random(in: 1...10, using: &random)), id])
      }
    }
    var calendar = SchoolCalendar(
      weekdays: [1, 2, 3, 4, 5, 6].filter { _ in Int.random(in: 0..<6, using: &random) > 0 },
      holidays: [
        SchoolCalendar.Holiday(day: String(format: "2026-11-%02d", Int.random(in: 1...20, using: &random)), name: "Fete")
      ])
    for c in classes where Bool.random(using: &random) {
      calendar.classStarts[c] = String(format: "08:%02d", Int.random(in: 0...59, using: &random))
    }
    try store.saveCalendar(calendar, actor: "test")
    let days = Day.range(Day("2026-11-01")!, Day("2026-11-20")!)
    for day in days {
      for id in people where Int.random(in: 0..<3, using: &random) > 0 {
        let time = String(format: "%02d:%02d", Int.random(in: 7...9, using: &random), Int.random(in: 0...59, using: &random))
        // A gate camera without a class, or a classroom camera with one (any class: a visitor, too).
        let classID: String? = Bool.random(using: &random) ? nil : classes.randomElement(using: &random)
        _ = try handler.apply(
          .attendance(
            AttendanceMessage(personID: id, deviceID: "cam", classID: classID, capturedAt: "\(day)T\(time):00+00:00")))
      }
      for id in people where Int.random(in: 0..<8, using: &random) == 0 {
        _ = try handler.apply(
          .correction(
            CorrectionMessage(
              .excuse(personID: id, classID: Bool.random(using: &random) ? nil : classes.randomElement(using: &random), day: day),
              actor: "office", note: "trip")))
      }
    }
    let now = SchoolNow(today: Day("2026-11-15")!, time: "08:30")
    for classID in [nil] + classes.map(Optional.some) {
      let rosters = try store.rosters(
        from: days.first!, to: days.last!, classID: classID, lateAfter: "09:00", now: now, timeZone: TimeZone(identifier: "UTC")!)
      for roster in rosters {
        let context = "seed \(seed), \(classID ?? "all"), \(roster.day)"
        if roster.schoolDay {
          #expect(
            roster.onTime + roster.late + roster.excused + roster.absent + roster.notYet == roster.expected,
            "\(context): \(roster.onTime)+\(roster.late)+\(roster.excused)+\(roster.absent)+\(roster.notYet) of \(roster.expected)"
          )
          #expect(roster.present == roster.onTime + roster.late, "\(context)")
        } else {
          #expect(roster.absent == 0 && roster.notYet == 0, "\(context): nobody is absent on a day without school")
        }
        if Day(roster.day)! > now.today { #expect(roster.absent == 0, "\(context): a day to come has nobody absent") }
        #expect(roster.entries.filter(\.member).count == roster.expected || !roster.schoolDay, "\(context)")
      }
      // The views agree: a pupil present in a class is present for all classes that day, and a
      // gate arrival makes them present in every class of theirs.
      if let classID {
        let all = try store.rosters(from: days.first!, to: days.last!, classID: nil, lateAfter: "09:00", now: now)
        for (roster, everyone) in zip(rosters, all) {
          for entry in roster.entries where entry.member && [.present, .manual].contains(entry.status) {
            let there = everyone.entries.first { $0.personID == entry.personID }
            #expect(there.map { [.present, .manual].contains($0.status) } == true, "\(classID) \(roster.day) \(entry.personID)")
          }
        }
      }
    }
    // The register agrees with the rosters it is made from, pupil by pupil.
    let register = try store.registerCSV(classID: "7A", from: days.first!, to: days.last!, lateAfter: "09:00", now: now)
    #expect(register.hasPrefix("\u{FEFF}Roll No,Name,"))
    let rosters7A = try store.rosters(from: days.first!, to: days.last!, classID: "7A", lateAfter: "09:00", now: now)
    for line in register.split(separator: "\r\n").dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      let id = fields[0]
      let present = rosters7A.filter { r in
        r.schoolDay
          && r.entries.contains { $0.personID == id && $0.member && [.present, .manual].contains($0.status) && !$0.late }
      }.count
      #expect(Int(fields[fields.count - 6]) == present, "register P of \(id)")
    }
  }

  @Test("a gate camera without a class counts for each of the pupil's classes; before the start it is not yet absent")
  func gateArrival() throws {
    let folder = try Checkout.scratchFolder("day-rule-gate")
    let store = try AttendanceStore(location: DatabaseLocation(path: "\(folder)/attendance.db"))
    let handler = MessageHandler(store: store, media: MediaLibrary(root: "\(folder)/media"))
    let jpeg = try Data(contentsOf: URL(fileURLWithPath: "\(Checkout.testImages)/obama.jpg"))
    for (id, classID) in [("A1", "7A"), ("A2", "7A"), ("B1", "7B")] {
      _ = try handler.apply(
        .register(
          RegisterMessage(
            personID: id, name: id, faces: [FaceCrop(jpeg: jpeg)], source: "test", capturedAt: "2026-11-01T08:00:00+00:00",
            classID: classID)))
    }
    try store.write { db in try db.execute(sql: "UPDATE people SET created_at = '2026-11-01 07:00:00.000'") }
    try store.saveCalendar(SchoolCalendar(weekdays: [1, 2, 3, 4, 5], classStarts: ["7A": "08:30"]), actor: "test")
    _ = try handler.apply(
      .attendance(AttendanceMessage(personID: "A1", deviceID: "gate", capturedAt: "2026-11-25T08:40:00+00:00")))
    let at0815 = SchoolNow(today: Day("2026-11-25")!, time: "08:15")
    let early = try store.roster(day: Day("2026-11-25")!, classID: "7A", lateAfter: nil, now: at0815)
    #expect(early.late == 1 && early.notYet == 1 && early.absent == 0, "A1 late against 7A's 08:30; A2 not yet due")
    // The day's summary (/api/summary) counts those not due yet too, so that its counts add up.
    let day = try store.summary(day: Day("2026-11-25")!, classID: "7A", lateAfter: nil, now: at0815)
    #expect(day.present.count + day.absent.count + day.excused + day.notYet == day.expected)
    #expect(day.notYet == 1 && day.absent.isEmpty, "\(day)")
    let later = try store.roster(
      day: Day("2026-11-25")!, classID: "7A", lateAfter: nil, now: SchoolNow(today: Day("2026-11-25")!, time: "10:00"))
    #expect(later.late == 1 && later.absent == 1 && later.notYet == 0)
    let all = try store.roster(day: Day("2026-11-25")!, classID: nil, lateAfter: "09:00", now: at0815)
    #expect(all.entries.first { $0.personID == "A1" }?.late == true, "late against the class's start under all classes too")
    #expect(all.startsByClass)
    let other = try store.roster(day: Day("2026-11-25")!, classID: "7B", lateAfter: nil, now: at0815)
    #expect(other.entries.map(\.personID) == ["B1"], "a gate arrival does not make A1 a visitor of 7B")
    let summary = try store.summaryCSV(AttendanceFilter(from: Day("2026-11-25"), to: Day("2026-11-25"), classID: "7A"))
    #expect(summary.contains("A1,A1,1,1,100.00"), "the machine summary counts the gate arrival for 7A: \(summary)")
  }
}
