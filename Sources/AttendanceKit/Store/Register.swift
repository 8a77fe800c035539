import Foundation

/// The register a school files: one row per pupil on the roll, one column per day of the range that
/// is a school day or a holiday, from the one day rule (`AttendanceStore.rosters`), and the totals.
/// The page's register table and the register CSV are both this value.
public struct Register: Sendable, Codable, Equatable {
  /// A pupil's day: P present on time (by a camera or by hand), L late, A absent, E excused,
  /// H holiday; empty before the pupil was enrolled or for a day not yet come.
  public enum Mark: String, Sendable, Codable, CaseIterable {
    case present = "P", late = "L", absent = "A", excused = "E", holiday = "H", none = ""
  }

  public struct Row: Sendable, Codable, Equatable {
    public let personID: String
    public let name: String
    public let marks: [Mark]
    public let present: Int
    public let late: Int
    public let absent: Int
    public let excused: Int
    /// The days marked P, L or A.
    public let sessions: Int
    /// (P + L) / sessions, in percent to one decimal; nil without a session.
    public let percentage: Double?

    init(personID: String, name: String, marks: [Mark]) {
      self.personID = personID
      self.name = name
      self.marks = marks
      let count = { (mark: Mark) in marks.filter { $0 == mark }.count }
      (present, late, absent, excused) = (count(.present), count(.late), count(.absent), count(.excused))
      sessions = present + late + absent
      percentage = sessions == 0 ? nil : (Double(present + late) * 1000 / Double(sessions)).rounded() / 10
    }

    enum CodingKeys: String, CodingKey {
      case name, marks, present, late, absent, excused, sessions, percentage
      case personID = "person_id"
    }
  }

  public let classID: String?
  public let from: String
  public let to: String
  /// The columns: every school day and holiday of the range.
  public let days: [String]
  public let rows: [Row]

  enum CodingKeys: String, CodingKey {
    case from, to, days, rows
    case classID = "class_id"
  }

  /// The register as a spreadsheet reads it: UTF-8 with a byte-order mark (accented names stay
  /// right), CRLF lines, and cells that cannot run as formulas.
  public var csv: String {
    var text = "\u{FEFF}Roll No,Name," + days.joined(separator: ",")
    text += ",Present,Late,Absent,Excused,Sessions,Percentage\r\n"
    for row in rows {
      let percentage = row.percentage.map { String(format: "%.1f", $0) } ?? ""
      let cells =
        [FeaturesCSV.field(row.personID), FeaturesCSV.field(row.name)] + row.marks.map(\.rawValue)
        + ["\(row.present)", "\(row.late)", "\(row.absent)", "\(row.excused)", "\(row.sessions)", percentage]
      text += cells.joined(separator: ",") + "\r\n"
    }
    return text
  }

  /// The file name an office recognises: `register-7A-2026-11-01_2026-11-30.csv`.
  public var filename: String { "register-\(classID ?? "all")-\(from)_\(to).csv" }
}

extension AttendanceStore {
  /// The register of `classID` (everyone enrolled when nil) from `from` to `to`.
  public func register(
    classID: String?, from: Day, to: Day, lateAfter: String?, now: SchoolNow? = nil, timeZone: TimeZone = .current
  ) throws -> Register {
    let calendar = try calendar()
    let days = Day.range(from, to).filter { calendar.isSchoolDay($0) || calendar.holiday(on: $0) != nil }
    let rosters = try rosters(from: from, to: to, classID: classID, lateAfter: lateAfter, now: now, timeZone: timeZone)
    var names: [String: String] = [:]
    var marks: [String: [String: Register.Mark]] = [:]
    for roster in rosters {
      let holiday = roster.holiday != nil
      for entry in roster.entries where entry.member {
        names[entry.personID] = entry.name
        let mark: Register.Mark
        switch entry.status {
        case _ where holiday: mark = .holiday
        case .present, .manual: mark = entry.late ? .late : .present
        case .absent: mark = .absent
        case .excused: mark = .excused
        case .notYet, .notExpected: mark = .none
        }
        marks[entry.personID, default: [:]][roster.day] = mark
      }
    }
    let rows = names.keys.sorted().map { id in
      Register.Row(personID: id, name: names[id]!, marks: days.map { marks[id]?[$0.text] ?? .none })
    }
    return Register(classID: classID, from: from.text, to: to.text, days: days.map(\.text), rows: rows)
  }
}
