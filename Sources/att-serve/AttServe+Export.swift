import ArgumentParser
import AttCommandLine
import AttServer
import AttendanceKit
import Foundation

/// `att-serve export`: the CSVs from the command line, for cron and pipelines.
extension AttServe {
  struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the CSV exports from the command line (for cron and pipelines).",
      discussion: """
        register is the register a school files, for people: one row per pupil, one column per \
        school day of the range (P on time, L late, A absent, E excused, H holiday), then the totals \
        and the percentage; UTF-8 with a byte-order mark, for spreadsheets (the last 30 days by \
        default; late is against each class's start time, else --late-after or $ATT_LATE_AFTER). \
        summary (the default, for machines) writes Roll No,Name,Attended,Sessions,Percentage: \
        Sessions are the school days of the range, Attended those the person was recorded on. events \
        (for machines) writes one line per attendance record, in the order they were recorded, a page \
        of 5,000 at a time. A file is written whole or not at all (a temporary file renamed into place), mode 0600; - or \
        no --output writes to standard output.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case summary, events, register }

    @Option(help: "register (for people), summary or events (for machines).")
    var format: Format = .summary
    @Option(
      help: ArgumentHelp("register: arrivals after this clock time are late, where a class has no start time.", valueName: "HH:MM"))
    var lateAfter: String?
    @Option(help: ArgumentHelp("First day, YYYY-MM-DD.", valueName: "day"))
    var from: String?
    @Option(help: ArgumentHelp("Last day, YYYY-MM-DD.", valueName: "day"))
    var to: String?
    @Option(name: .customLong("class"), help: "Only this class.")
    var classID: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write (default: standard output).", valueName: "file"))
    var output: String?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
      try await reportingErrors("att-serve") {
        func day(_ text: String?, _ option: String) throws -> Day? {
          guard let text else { return nil }
          guard let day = Day(text) else { throw ToolError("--\(option) '\(text)' is not a date (YYYY-MM-DD)", exitCode: .usage) }
          return day
        }
        let filter = AttendanceFilter(from: try day(from, "from"), to: try day(to, "to"), classID: classID)
        if let f = filter.from, let t = filter.to, t < f { throw ToolError("--to \(t) is before --from \(f)", exitCode: .usage) }
        // The register's day and zone, as att-serve's pages have them (ATT_TIMEZONE), checked first.
        let settings = try StoreOptions.settings()
        let clock = SchoolClock(timeZone: try AttServe.schoolZone(settings["ATT_TIMEZONE"]))
        let late = lateAfter ?? settings["ATT_LATE_AFTER"]
        if let late, ClockTime(late) == nil {
          throw ToolError("--late-after '\(late)' is not a clock time HH:MM", exitCode: .usage)
        }
        let store = try database.openExistingReadOnly()
        var lines = 0
        func export(_ append: @escaping (Data) throws -> Void) async throws {
          let write = { (text: String) throws in
            try append(Data(text.utf8))
            lines += text.utf8.reduce(0) { $1 == 10 ? $0 + 1 : $0 }
          }
          switch format {
          case .summary: try write(try store.summaryCSV(filter, today: clock.today()))
          case .events: try await store.eventsCSV(filter, write: write)
          case .register:
            let last = filter.to ?? clock.today()
            try write(
              try store.registerCSV(
                classID: classID, from: filter.from ?? last.adding(days: -29), to: last,
                lateAfter: late, now: SchoolNow(clock), timeZone: clock.timeZone))
          }
        }
        do {
          if let output, output != "-" {
            // To a file: written whole or not at all (DurableFile), readable by its owner only.
            try await DurableFile.write(to: output) { file in try await export(file.append) }
            Console.error("att-serve: wrote \(lines - 1) row(s) to \(output)")
          } else {
            try await export { try FileHandle.standardOutput.write(contentsOf: $0) }
          }
        } catch {
          throw ToolError("\(output ?? "standard output"): cannot write: \(error)", exitCode: .unavailable)
        }
      }
    }
  }
}
