import ArgumentParser
import AttCommandLine
import AttendanceKit
import Foundation

extension AttExtract {
  /// `att-extract export --csv PATH`: the seed's features_all.csv.
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the seed scripts' features_all.csv: one row per person with their mean embedding.",
      discussion: """
        Columns: Roll_No (the person id), Name, feature_0 ... feature_127: the mean of the person's \
        stored embeddings. For users of the old Python scripts and spreadsheets; att-take itself \
        matches against every stored embedding, not the means. The file is written whole or not \
        at all (a temporary file renamed into place). '-' writes to standard output.

        Example:
          att-extract export --csv data/features_all.csv
        """)

    @Option(help: ArgumentHelp("Where to write the CSV ('-' for standard output).", valueName: "path"))
    var csv: String

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var logOptions: LogOptions

    func run() throws {
      try reportingErrors("att-extract", logFormat: logOptions.logFormat) {
        let store = try database.openExistingReadOnly()
        let (text, people) = try FeaturesCSV.make(store: store)
        if csv == "-" {
          FileHandle.standardOutput.write(Data(text.utf8))
          return
        }
        do {
          try DurableFile.write(Data(text.utf8), to: csv)
        } catch {
          throw ToolError("\(csv): cannot write: \(error.localizedDescription)")
        }
        Console.error("att-extract: wrote \(people) \(people == 1 ? "person" : "people") to \(csv)")
      }
    }
  }
}
