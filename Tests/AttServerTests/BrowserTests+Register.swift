import AttTestSupport
import AttendanceKit
import Foundation
import Testing

@testable import AttServer

/// A school's month with one camera at the gate, run without `--class`: twelve pupils in 7A and 7B,
/// each class with its own start time, a holiday, an excusal, and days still to come. Every view
/// the page has (the rosters, the chart's table, the person page, the register and its CSV) is
/// checked against a count made by hand from the same arrivals.
extension BrowserTests {
  struct Pupil {
    let id: String
    let name: String
    let classID: String
    let photos: String
  }

  /// Realistic names (accents, an apostrophe, a hyphen), for the README's screenshots too.
  static let pupils = [
    Pupil(id: "7A01", name: "Amara Okafor", classID: "7A", photos: "deepface_id01"),
    Pupil(id: "7A02", name: "Zoë Lefèvre", classID: "7A", photos: "deepface_id02"),
    Pupil(id: "7A03", name: "Mateo García", classID: "7A", photos: "deepface_id13"),
    Pupil(id: "7A04", name: "Saanvi Patel", classID: "7A", photos: "deepface_id04"),
    Pupil(id: "7A05", name: "Jonas Müller", classID: "7A", photos: "deepface_id05"),
    Pupil(id: "7A06", name: "Fatima Al-Sayed", classID: "7A", photos: "deepface_id06"),
    Pupil(id: "7B01", name: "Liam O'Brien", classID: "7B", photos: "deepface_id07"),
    Pupil(id: "7B02", name: "Chen Wei", classID: "7B", photos: "deepface_id08"),
    Pupil(id: "7B03", name: "Ingrid Sørensen", classID: "7B", photos: "deepface_id09"),
    Pupil(id: "7B04", name: "Kofi Mensah", classID: "7B", photos: "deepface_id10"),
    Pupil(id: "7B05", name: "Noah Williams", classID: "7B", photos: "deepface_id11"),
    Pupil(id: "7B06", name: "Aroha Ngata", classID: "7B", photos: "deepface_id12"),
  ]
  static let starts = ["7A": "08:45", "7B": "09:00"]
  static let month = (from: "2026-11-02", to: "2026-11-30")
  static let holiday = (day: "2026-11-13", name: "Staff training day")
  static let excused = (id: "7A02", day: "2026-11-17")

  /// Monday to Friday of the month, the holiday included (a column of the register).
  static var registerDays: [String] {
    Day.range(Day(month.from)!, Day(month.to)!).filter { (1...5).contains($0.weekday) }.map(\.text)
  }

  /// When pupil `i` came through the gate on the `k`th school day, or nil: a fixed pattern with
  /// absences, late arrivals, and 7B pupils at 08:50 (late for 7A's start, on time for 7B's).
  static func arrival(_ i: Int, _ k: Int, _ day: String) -> String? {
    let pupil = pupils[i]
    if pupil.id == excused.id && day == excused.day { return nil }
    if (i * 7 + k * 3) % 11 == 0 { return nil }
    let start = starts[pupil.classID]!
    func plus(_ clock: String, _ minutes: Int) -> String {
      let total = Int(clock.prefix(2))! * 60 + Int(clock.suffix(2))! + minutes
      return String(format: "%02d:%02d", total / 60, total % 60)
    }
    if (i + k) % 5 == 0 { return plus(start, 5 + i) }
    if pupil.classID == "7B" && (i + k) % 4 == 0 { return "08:50" }
    return plus("08:10", (i * 3 + k) % 30)
  }

  /// The hand count: each pupil's mark on each register day (P, L, A, E, H, or blank for a day to come).
  static func handMarks() -> [String: [String]] {
    var marks: [String: [String]] = [:]
    for (i, pupil) in pupils.enumerated() {
      var k = 0
      marks[pupil.id] = registerDays.map { day in
        if day == holiday.day { return "H" }
        defer { k += 1 }
        if day > BrowserTests.day { return "" }
        guard let time = arrival(i, k, day) else { return pupil.id == excused.id && day == excused.day ? "E" : "A" }
        return time > starts[pupil.classID]! ? "L" : "P"
      }
    }
    return marks
  }

  /// The fixture: the pupils enrolled at the start of term, Monday to Friday, the holiday and the
  /// start times; the month's arrivals at the gate camera (no class); one excusal.
  func gateMonth() throws -> Fixture {
    let f = try Fixture(label: "browser-register", seeded: false)
    for pupil in Self.pupils { try f.register(pupil.id, pupil.name, photos: pupil.photos, classID: pupil.classID) }
    try f.store.write { db in try db.execute(sql: "UPDATE people SET created_at = '2026-09-01 07:00:00.000'") }
    try f.store.saveCalendar(
      SchoolCalendar(
        weekdays: [1, 2, 3, 4, 5], holidays: [.init(day: Self.holiday.day, name: Self.holiday.name)], classStarts: Self.starts),
      actor: "ana")
    for (i, pupil) in Self.pupils.enumerated() {
      var k = 0
      for day in Self.registerDays where day != Self.holiday.day && day <= Self.day {
        if let time = Self.arrival(i, k, day) {
          try f.attend(pupil.id, "\(day)T\(time):00+00:00", classID: nil, device: "office-pc:gate")
        }
        k += 1
      }
    }
    try f.excuse(Self.excused.id, on: Self.excused.day, note: "dentist")
    var accounts = Accounts(store: f.store)
    accounts.iterations = 1_000
    try accounts.addUser("tess", password: Fixture.password, role: .teacher, classes: ["7A"])
    return f
  }

  @Test(
    "a teacher of 7A: the page shows 7A only (no all classes, no unknown faces), corrects a pupil, and follows a gate arrival live without receiving other classes' records",
    .enabled(if: Chromium.path != nil, "needs Debian's chromium (Scripts/install-deps --with-browser; make test installs it)"))
  func teacherView() async throws {
    let f = try gateMonth()
    try await withServer(f) { port in
      try await withPage(port: port, name: "tess", rosterSize: 6) { page in
        #expect(try await page.evaluate("document.getElementById('who').textContent") as? String == "tess · teacher of 7A")
        #expect(
          try await page.evaluate("[...document.getElementById('class').options].map(o => o.value).join(',')") as? String == "7A",
          "their class only, no all classes")
        #expect(
          try await page.evaluate("document.querySelector('section[aria-labelledby=\"unknown-h\"]').hidden && document.getElementById('audit-section').hidden")
            as? Bool == true)
        #expect(try await page.evaluate("document.querySelectorAll('#roster .correct').length") as? Int == 6, "they correct their pupils")
        #expect(try await page.evaluate("document.getElementById('problem').hidden") as? Bool == true, "nothing refused on the way")
        // Mateo says he was here at 08:30 and the camera missed him: marked by his teacher.
        let mateo = "document.querySelector('#roster li[data-person=\"7A03\"]')"
        try f.store.write { db in try db.execute(sql: "DELETE FROM attendance WHERE person_id = '7A03' AND local_day = '\(Self.day)'") }
        try await page.evaluate("location.reload(); true")
        #expect(try await page.waitFor("!!\(mateo) && \(mateo).dataset.state === 'absent'"))
        try await page.evaluate("\(mateo).querySelector('.correct').click(); true")
        #expect(try await page.waitFor("document.getElementById('correction').open"))
        try await page.evaluate(
          "document.getElementById('mark-time').value = '08:30'; document.getElementById('mark-note').value = 'missed by the camera'; document.getElementById('mark-button').click(); true")
        #expect(try await page.waitFor("\(mateo).dataset.state === 'manual'", seconds: 15), "marked by his teacher")
        #expect(try f.count("SELECT count(*) FROM audit_log WHERE actor = 'tess' AND target = '7A03'") == 1)
        // Zoë arrives late at the gate: the roster follows live; a 7B pupil's arrival shows nowhere.
        try f.attend("7A02", Self.at("09:20"), classID: nil, device: "office-pc:gate")
        try f.attend("7B01", Self.at("09:21"), classID: nil, device: "office-pc:gate")
        #expect(
          try await page.waitFor(
            "(document.querySelector('#roster li[data-person=\"7A02\"] .state') || {}).textContent === 'late 09:20'", seconds: 15),
          "the gate arrival, live")
        #expect(
          try await page.evaluate("[...document.querySelectorAll('#feed tr')].some(r => r.textContent.includes('7B01'))") as? Bool == false)
      }
    }
  }

  @Test(
    "a month at a gate camera without --class: 7A's and 7B's rosters, the chart, the person page, the register on the page and its CSV agree with a hand count; the register prints; 390 px with a dialog open",
    .enabled(if: Chromium.path != nil, "needs Debian's chromium (Scripts/install-deps --with-browser; make test installs it)"))
  func gateRegister() async throws {
    let f = try gateMonth()
    let marks = Self.handMarks()
    let days = Self.registerDays
    let today = days.firstIndex(of: Self.day)!
    try await withServer(f) { port in
      try await withPage(port: port, name: "ana", rosterSize: 12) { page in
        for classID in ["7A", "7B"] {
          let members = Self.pupils.filter { $0.classID == classID }
          try await page.call(
            "Page.navigate",
            ["url": "http://127.0.0.1:\(port)/?day=\(Self.day)&class=\(classID)&from=\(Self.month.from)&to=\(Self.month.to)"])
          #expect(
            try await page.waitFor(
              "!!document.getElementById('roster-h') && document.getElementById('roster-h').textContent.endsWith('\(classID)') && document.querySelectorAll('#roster li').length === \(members.count) && document.querySelectorAll('#chart-table tr').length > 0"
            ), "\(classID): its roster")

          // The day's roster: the cards and every chip, against the hand count of today.
          let todays = members.map { marks[$0.id]![today] }
          let cards = try await page.evaluate(
            "['n-present','n-late','n-absent','n-excused','n-expected'].map(id => document.getElementById(id).textContent).join(',')")
            as? String
          let hand = ["P", "L", "A", "E"].map { m in todays.filter { $0 == m }.count }.map(String.init) + ["\(members.count)"]
          #expect(cards == hand.joined(separator: ","), "\(classID) today: on time, late, absent, excused, expected")
          #expect(
            try await page.waitFor(
              "document.querySelectorAll('#feed tr').length === \(todays.filter { $0 == "P" || $0 == "L" }.count)"),
            "\(classID)'s arrivals: its members' at the gate")
          for (pupil, mark) in zip(members, todays) {
            let state = try await page.evaluate(
              "document.querySelector('#roster li[data-person=\"\(pupil.id)\"]').dataset.state") as? String
            #expect(state == ["P": "present", "L": "late", "A": "absent", "E": "excused"][mark], "\(pupil.name)'s chip")
          }

          // The chart's table: per school day up to today, present (on time and late), late, absent, excused.
          let chart =
            try await page.evaluate(
              "[...document.querySelectorAll('#chart-table tr')].map(r => [...r.cells].map(c => c.textContent).join(' ')).join('\\n')"
            ) as? String ?? ""
          let rows = Dictionary(
            chart.split(separator: "\n").map { ($0.split(separator: " ")[0].description, $0.description) },
            uniquingKeysWith: { a, _ in a })
          for (k, day) in days.enumerated() where day <= Self.day && day != Self.holiday.day {
            let column = members.map { marks[$0.id]![k] }
            let count = { (m: String) in column.filter { $0 == m }.count }
            #expect(
              rows[day] == "\(day) \(count("P") + count("L")) \(count("L")) \(count("A")) \(count("E"))",
              "\(classID)'s chart on \(day)")
          }
          #expect(rows[Self.holiday.day] == nil, "no bar on the holiday")

          // The register on the page, cell by cell, and its totals.
          try await page.evaluate("document.getElementById('register-show').click(); true")
          let shown = try await page.waitFor("document.querySelectorAll('#register-body tr').length === \(members.count)")
          let problem = try await page.evaluate("document.getElementById('problem').textContent") as? String ?? ""
          #expect(shown, "\(classID)'s register: \(problem)")
          for pupil in members {
            let row =
              try await page.evaluate(
                "[...document.querySelector('#register-body tr[data-person=\"\(pupil.id)\"]').cells].map(c => c.textContent).join('|')"
              ) as? String
            let m = marks[pupil.id]!
            let count = { (x: String) in m.filter { $0 == x }.count }
            let sessions = count("P") + count("L") + count("A")
            let percentage = String(format: "%.1f", Double(count("P") + count("L")) * 100 / Double(sessions))
            let expected =
              ["\(pupil.name) (\(pupil.id))"] + m
              + ["\(count("P"))", "\(count("L"))", "\(count("A"))", "\(count("E"))", "\(sessions)", percentage]
            #expect(row == expected.joined(separator: "|"), "\(pupil.name)'s register row")
          }

          // The CSV is the same register, named for the class and the range.
          let csv =
            try await page.evaluate(
              """
              fetch('/api/export/register.csv?class=\(classID)&from=\(Self.month.from)&to=\(Self.month.to)').then(async r => {
                const bytes = new Uint8Array(await r.arrayBuffer());
                return r.headers.get('content-disposition') + '\\n' + [...bytes.slice(0, 3)].join(' ') + '\\n' + new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
              })
              """) as? String ?? ""
          let lines = csv.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
          #expect(lines[0] == "attachment; filename=\"register-\(classID)-\(Self.month.from)_\(Self.month.to).csv\"")
          #expect(lines[1] == "239 187 191", "a UTF-8 byte-order mark")
          #expect(lines[2] == "\u{FEFF}Roll No,Name," + days.joined(separator: ",") + ",Present,Late,Absent,Excused,Sessions,Percentage")
          for pupil in members {
            let line = lines.first { $0.hasPrefix(pupil.id + ",") }
            #expect(
              line?.split(separator: ",", omittingEmptySubsequences: false).dropFirst(2).prefix(days.count).joined(separator: ",")
                == marks[pupil.id]!.joined(separator: ","), "\(pupil.name)'s CSV row")
          }
          try await contrast(page, "#register-section", "\(classID)'s register")
          if classID == "7A" {
            _ = try await page.screenshot(to: "\(Self.artifacts)/class-roster.png")
          }
        }

        // Zoë's page (7A): her month, with the excusal.
        let zoe = marks[Self.excused.id]!
        try await page.call(
          "Page.navigate",
          ["url": "http://127.0.0.1:\(port)/?day=\(Self.day)&class=7A&from=\(Self.month.from)&to=\(Self.month.to)"])
        #expect(try await page.waitFor("!!document.querySelector('#roster li[data-person=\"7A02\"]')"))

        // From the keyboard: the first Tab reaches the skip link, Enter lands on the roster, and the
        // focus ring of a chip inside its rounded, clipped pill is drawn inward (never cut off).
        func press(_ key: String, _ code: Int) async throws {
          for type in ["keyDown", "keyUp"] {
            try await page.call(
              "Input.dispatchKeyEvent",
              ["type": type, "key": key, "code": key, "windowsVirtualKeyCode": code] as [String: Any])
          }
        }
        try await press("Tab", 9)
        #expect(
          try await page.evaluate(
            "document.activeElement.className === 'skip' && document.activeElement.getBoundingClientRect().top >= 0")
            as? Bool == true, "the skip link comes first, and shows when focused")
        try await press("Enter", 13)
        #expect(try await page.waitFor("document.activeElement.id === 'roster-h'"), "the skip link lands on the roster")
        try await press("Tab", 9)
        try await press("Tab", 9)
        #expect(
          try await page.evaluate(
            "(() => { const e = document.activeElement, s = getComputedStyle(e); return e.classList.contains('chip') && e.matches(':focus-visible') && s.outlineStyle === 'solid' && parseFloat(s.outlineOffset) < 0; })()"
          ) as? Bool == true, "a chip's focus ring is drawn inside its pill")

        // An error is said in plain words, not with the API's field name.
        try await page.evaluate("document.querySelector('#roster li[data-person=\"7A02\"] .correct').click(); true")
        #expect(try await page.waitFor("document.getElementById('correction').open"))
        try await page.evaluate(
          "document.getElementById('mark-time').value = '08:40'; document.getElementById('mark-note').value = 'x'.repeat(600); document.getElementById('mark-button').click(); true")
        #expect(
          try await page.waitFor(
            "document.getElementById('correction-status').textContent.startsWith('The note: ')"),
          "'The note: ...', not 'note: ...'")
        try await page.evaluate("document.querySelector('#correction [data-close]').click(); true")

        try await page.evaluate("document.querySelector('#roster li[data-person=\"7A02\"] .chip').click(); true")
        #expect(try await page.waitFor("document.getElementById('person').open && document.querySelectorAll('#person-days tr').length > 0"))
        let counts =
          try await page.evaluate("[...document.querySelectorAll('#person-counts b')].map(b => b.textContent).join(',')")
          as? String
        let count = { (x: String) in zoe.filter { $0 == x }.count }
        let (present, schoolDays) = (count("P") + count("L"), count("P") + count("L") + count("A") + count("E"))
        let rate = Int((Double(present) * 100 / Double(schoolDays - count("E"))).rounded())
        #expect(
          counts == "\(rate)%,\(present),\(count("L")),\(count("A")),\(count("E")),\(schoolDays)",
          "Zoë's page: rate, present, late, absent, excused, school days")
        #expect(
          try await page.evaluate(
            "[...document.querySelectorAll('#person-days tr')].some(r => r.textContent.startsWith('\(Self.excused.day)') && r.textContent.includes('excused') && r.textContent.includes('dentist'))"
          ) as? Bool == true, "the excused day, with its note")

        // On a phone, the admin's dialog fits: no horizontal scroll with it open.
        try await page.call(
          "Emulation.setDeviceMetricsOverride", ["width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true])
        #expect(
          try await page.waitFor(
            "document.documentElement.scrollWidth <= window.innerWidth + 1 && (() => { const r = document.querySelector('#person .body').getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth + 1; })()"
          ), "390 px, the person page open: nothing runs off the side")
        try await page.evaluate("document.querySelector('#person [data-close]').click(); true")
        try await page.evaluate("document.querySelector('#roster li[data-person=\"7A02\"] .correct').click(); true")
        #expect(
          try await page.waitFor(
            "document.getElementById('correction').open && document.documentElement.scrollWidth <= window.innerWidth + 1 && (() => { const r = document.getElementById('correction').getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth + 1; })()"
          ), "390 px, the correction dialog open: in view, no horizontal scroll")
        _ = try await page.screenshot(to: "\(Self.artifacts)/dashboard-phone-dialog.png")
        try await page.evaluate("document.querySelector('#correction [data-close]').click(); true")

        // The register's print view: the register alone, every pupil, no forms.
        try await page.call(
          "Emulation.setDeviceMetricsOverride", ["width": 1123, "height": 794, "deviceScaleFactor": 1, "mobile": false])
        try await page.evaluate("showRegister(true).then(() => { document.body.classList.add('print-register'); return true; })")
        try await page.call("Emulation.setEmulatedMedia", ["media": "print"])
        #expect(
          try await page.evaluate(
            "getComputedStyle(document.getElementById('roster-h').closest('section')).display === 'none' && getComputedStyle(document.querySelector('.filters')).display === 'none' && document.getElementById('register-table').getBoundingClientRect().height > 100"
          ) as? Bool == true, "printing the register prints it alone")
        _ = try await page.screenshot(to: "\(Self.artifacts)/register-print.png")
        try await page.call("Emulation.setEmulatedMedia", ["media": ""])
        try await page.evaluate("document.body.classList.remove('print-register'); true")

        // All classes: the two classes' days add up, the gate arrivals counted once per pupil.
        try await page.call(
          "Page.navigate", ["url": "http://127.0.0.1:\(port)/?day=\(Self.day)&from=\(Self.month.from)&to=\(Self.month.to)"])
        #expect(try await page.waitFor("!!document.getElementById('roster-h') && document.getElementById('roster-h').textContent.endsWith('all classes') && document.querySelectorAll('#roster li').length === 12"))
        let all = Self.pupils.map { marks[$0.id]![today] }
        let allCards =
          try await page.evaluate(
            "['n-present','n-late','n-absent','n-excused','n-expected'].map(id => document.getElementById(id).textContent).join(',')")
          as? String
        #expect(
          allCards == (["P", "L", "A", "E"].map { m in "\(all.filter { $0 == m }.count)" } + ["12"]).joined(separator: ","),
          "all classes today")

        // A school trip tomorrow: the admin selects 7B on tomorrow's roster and excuses them all at
        // once, each audited on their own.
        let trip = Self.pupils.filter { $0.classID == "7B" }.map(\.id)
        try await page.call(
          "Page.navigate", ["url": "http://127.0.0.1:\(port)/?day=2026-11-26&class=7B&from=\(Self.month.from)&to=\(Self.month.to)"])
        #expect(
          try await page.waitFor(
            "document.querySelectorAll('#roster li input.pick').length === 6 && document.getElementById('n-notyet').textContent === '6'"),
          "tomorrow, nobody is due yet")
        try await page.evaluate(
          """
          \(trip.map { "document.querySelector('#roster li[data-person=\"\($0)\"] input.pick').click();" }.joined())
          document.getElementById('bulk-note').value = 'school trip to the museum'; true
          """)
        #expect(
          try await page.evaluate("document.getElementById('bulk').hidden === false && document.getElementById('bulk-count').textContent")
            as? String == "6 selected")
        try await page.evaluate("document.getElementById('bulk-excuse').click(); true")
        let excused = try await page.waitFor(
          "[...document.querySelectorAll('#roster li')].every(li => li.dataset.state === 'excused') && document.getElementById('n-excused').textContent === '6' && document.getElementById('bulk').hidden",
          seconds: 15)
        let problem = try await page.evaluate("document.getElementById('problem').textContent") as? String ?? ""
        #expect(excused, "7B is excused tomorrow: \(problem)")
        #expect(
          try f.count(
            "SELECT count(*) FROM audit_log WHERE action = 'excused' AND details LIKE '%school trip to the museum%' AND details LIKE '%2026-11-26%'")
            == 6, "one audit row per pupil")

        // Finding a person by name, accents or not.
        try await page.evaluate(
          "document.getElementById('search').value = 'zoe'; document.getElementById('search').dispatchEvent(new Event('input')); true")
        #expect(
          try await page.waitFor(
            "document.querySelectorAll('#search-results button').length === 1 && document.querySelector('#search-results button').textContent === 'Zoë Lefèvre (7A02) · 7A'"
          ), "'zoe' finds Zoë")
        try await page.evaluate("document.querySelector('#search-results button').click(); true")
        #expect(try await page.waitFor("document.getElementById('person').open && document.getElementById('person-h').textContent === 'Zoë Lefèvre (7A02)'"))
        try await page.evaluate("document.querySelector('#person [data-close]').click(); true")

        // Zoë, absent today, was seen at 08:12 as an unknown face: assigning it marks her present then.
        #expect(marks[Self.excused.id]![today] == "A")
        try await page.call(
          "Page.navigate", ["url": "http://127.0.0.1:\(port)/?day=\(Self.day)&class=7A&from=\(Self.month.from)&to=\(Self.month.to)"])
        #expect(try await page.waitFor("document.querySelectorAll('#roster li').length === 6 && document.getElementById('roster-h').textContent.endsWith('7A')"))
        try f.unknownFace(at: Self.at("08:12"), nearest: Self.excused.id, photo: "grace_hopper.jpg")
        let listed = try await page.waitFor("document.querySelectorAll('#unknown tr button').length === 1", seconds: 15)
        let seen = try await page.evaluate("document.getElementById('problem').textContent + ' | ' + document.getElementById('unknown').innerHTML.slice(0, 300)") as? String ?? ""
        #expect(listed, "the unknown face is listed: \(seen)")
        try await page.evaluate("document.querySelector('#unknown tr button').click(); true")
        #expect(
          try await page.waitFor(
            "document.getElementById('unknown-dialog').open && document.getElementById('assign-person').value === '7A02'"))
        #expect(
          try await page.evaluate("document.getElementById('assign-mark-text').textContent") as? String
            == "Also mark them present at 08:12 on \(Self.day) (when seen)")
        try await page.evaluate("document.getElementById('assign-button').click(); true")
        #expect(
          try await page.waitFor(
            "(document.querySelector('#roster li[data-person=\"7A02\"] .state') || {}).textContent === 'by hand 08:12'", seconds: 60),
          "Zoë is present at the time she was seen")
        #expect(
          try f.count(
            "SELECT count(*) FROM audit_log WHERE actor = 'ana' AND action = 'attendance added' AND target = '7A02'") == 1,
          "audited as a correction")
      }
    }
  }
}
