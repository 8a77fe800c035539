import ArgumentParser
import AttCommandLine
import AttDeliveryOptions
import AttendanceKit
import Foundation

extension AttRegister {
  /// `att-register flush`: sends what this host's spool holds, for producers that exited while the
  /// broker was away (a cron line or packaging/systemd's att-flush.timer runs it).
  struct Flush: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Send the messages waiting in this host's spool to the broker, and say how many are left.",
      discussion: """
        att-register, att-take and att-serve keep each message in the spool until the broker confirms \
        it. A tool that exits while the broker is away leaves its messages there; the next tool that \
        runs on the host sends them, and so does att-worker when it runs on this host. flush sends \
        them now. Exit status 0 when the spool is empty, 75 (try again later) when messages still wait.
        """)

    @Option(help: "Seconds to keep trying while the broker is unreachable.")
    var timeout = 30.0

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
      guard timeout >= 0, timeout <= 86400 else { throw ValidationError("--timeout: give 0 to 86400 seconds.") }
    }

    @OptionGroup var logOptions: LogOptions

    func run() throws {
      try reportingErrors("att-register", logFormat: logOptions.logFormat) {
        guard let broker = try storeOptions.broker() else {
          throw ToolError("no broker: set MQ_URL or give --mq amqp://user:pass@host:5672/", exitCode: .configuration)
        }
        let delivery = try storeOptions.queueDelivery(broker: broker, tool: "att-register")
        let waiting = delivery.pendingCount
        let backlog = delivery.finish(within: timeout)
        let left = backlog?.pending ?? 0
        Console.output("\(waiting - left) message(s) sent, \(left) waiting in \(delivery.spool)/")
        if left > 0 { throw ToolError(backlog!.summary, exitCode: .busy) }
      }
    }
  }
}
