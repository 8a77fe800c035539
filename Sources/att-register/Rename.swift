import ArgumentParser
import AttCommandLine
import AttDeliveryOptions
import AttendanceKit

extension AttRegister {
  /// `att-register rename ID NAME`.
  struct Rename: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Change an enrolled person's display name; the id, faces and records stay.")

    @Argument(help: "The person's id.")
    var id: String

    @Argument(help: "The new display name.")
    var name: String

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
      if let problem = PersonIdentity.validate(name: name) { throw ValidationError(problem) }
    }

    @OptionGroup var logOptions: LogOptions

    func run() throws {
      try reportingErrors("att-register", logFormat: logOptions.logFormat) {
        let (store, media) = try storeOptions.open()
        let delivery = try storeOptions.delivery(store: store, media: media, tool: "att-register")
        defer { delivery.finishReporting(tool: "att-register") }
        switch try delivery.deliver(
          .renamePerson(RenamePersonMessage(personID: id, name: name, actor: toolActor("att-register"))))
        {
        case .queued: Console.output("rename of \(id) queued")
        case .applied(let result):
          switch result.outcome {
          case .applied(let text), .duplicate(let text): Console.output(text)
          case .rejected(let reason): throw ToolError(reason)
          }
        }
      }
    }
  }
}
