import ArgumentParser
import AttCommandLine
import AttDeliveryOptions
import AttendanceKit

extension AttRegister {
  /// `att-register remove ID`: erase a person's biometric data.
  struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Remove a person: erase their face images, samples and embeddings.",
      discussion: """
        The erase is complete: the folder media/<id>/ is deleted, and every sample and embedding \
        row with it. Their attendance records are deleted too, unless --keep-attendance is given: \
        then the person stays listed by name (att-register list --all) for the records, with no \
        biometric data left. Enrolling the same id again later starts from nothing.

        Exit status: 0 when removed, 1 when no such person is enrolled.
        """)

    @Argument(help: "The person's id.")
    var id: String

    @Flag(help: "Keep the person's attendance records (and their name, for the records).")
    var keepAttendance = false

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions

    @OptionGroup var logOptions: LogOptions

    func run() throws {
      try reportingErrors("att-register", logFormat: logOptions.logFormat) {
        let (store, media) = try storeOptions.open()
        let delivery = try storeOptions.delivery(store: store, media: media, tool: "att-register")
        defer { delivery.finishReporting(tool: "att-register") }
        guard let before = try store.person(id) else { throw ToolError("no person with id '\(id)' is enrolled") }
        switch try delivery.deliver(
          .removePerson(RemovePersonMessage(personID: id, keepAttendance: keepAttendance, actor: toolActor("att-register"))))
        {
        case .queued: Console.output("removal of \(id) queued")
        case .applied(let result):
          if case .rejected(let reason) = result.outcome { throw ToolError(reason) }
          let attendance =
            keepAttendance
            ? "attendance kept (\(before.attendance) record(s))" : "\(before.attendance) attendance record(s) deleted"
          if output.json {
            struct Removed: Encodable {
              let personID: String, name: String, samples: Int, embeddings: Int, attendanceDeleted: Int

              enum CodingKeys: String, CodingKey {
                case name, samples, embeddings
                case personID = "person_id"
                case attendanceDeleted = "attendance_deleted"
              }
            }
            Console.output(
              try JSONText.encode(
                Removed(
                  personID: id, name: before.name, samples: before.samples, embeddings: before.embeddings,
                  attendanceDeleted: keepAttendance ? 0 : before.attendance)))
          } else {
            Console.output(
              "removed \(id) (\(before.name)): \(before.samples) face image(s) and \(before.embeddings) embedding(s) erased, \(attendance)"
            )
          }
        }
      }
    }
  }
}
