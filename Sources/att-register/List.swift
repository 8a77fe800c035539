import ArgumentParser
import AttCommandLine
import AttendanceKit
import Foundation

extension AttRegister {
  /// `att-register list`: who is enrolled.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the enrolled people with their samples, embeddings and attendance counts.",
      discussion: """
        Columns: id, name, face samples stored, samples with an embedding (recognisable), samples \
        whose image gave no embedding, attendance records, classes (joined with add or import \
        --class). With --json, one JSON array of objects.
        """)

    @Flag(help: "Also list people removed with --keep-attendance (their records remain, their faces do not).")
    var all = false

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @OptionGroup var logOptions: LogOptions

    func run() throws {
      try reportingErrors("att-register", logFormat: logOptions.logFormat) {
        let people = try database.openReadOnly()?.people(includeRemoved: all) ?? []
        if output.json {
          Console.output(try JSONText.encode(people))
          return
        }
        let idWidth = max(people.map(\.id.count).max() ?? 0, 2)
        let nameWidth = max(people.map(\.name.count).max() ?? 0, 4)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(n - s.count, 0)) }
        Console.output("\(pad("ID", idWidth))  \(pad("NAME", nameWidth))  SAMPLES  EMBEDDED  FAILED  ATTENDANCE  CLASSES")
        for p in people {
          let name = p.active ? p.name : "\(p.name) (removed)"
          Console.output(
            "\(pad(p.id, idWidth))  \(pad(name, nameWidth))  \(pad(String(p.samples), 7))  \(pad(String(p.embeddings), 8))  "
              + "\(pad(String(p.failedSamples), 6))  \(pad(String(p.attendance), 10))  \(p.classes.joined(separator: ","))")
        }
        Console.error("att-register: \(people.count) \(people.count == 1 ? "person" : "people")")
      }
    }
  }
}
