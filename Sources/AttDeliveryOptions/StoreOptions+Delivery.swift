import ArgumentParser
import AttCommandLine
import AttQueue
import AttendanceKit
import Foundation

// The tools that send messages (att-take, att-register, att-serve, att-worker) choose here how they
// travel: applied in-process (direct mode) or through the broker. Only they link librabbitmq.
extension StoreOptions {
  /// The way this tool's messages reach the database: through the broker when `MQ_URL` (or `--mq`)
  /// is set, applied in-process by the same handler otherwise.
  public func delivery(
    store: AttendanceStore, media: MediaLibrary, tool: String = "att", clock: SchoolClock = .system
  ) throws -> any MessageDelivery {
    guard let broker = try broker() else {
      var handler = MessageHandler(store: store, media: media)
      handler.clock = clock
      return DirectDelivery(handler: handler)
    }
    return try queueDelivery(broker: broker, tool: tool)
  }

  /// Queue mode without a database (a camera host): the spool is `--spool`, `$ATT_SPOOL`, else
  /// spool/ in the state folder.
  public func queueDelivery(broker: BrokerURL, tool: String = "att") throws -> QueueDelivery {
    let configured = try settings()["ATT_SPOOL"]
    let folder = try spool ?? configured ?? "\(stateFolder())/spool"
    StoreOptions.sayTightened(FilePrivacy.tighten([folder.isEmpty ? "spool" : folder], mode: 0o700))
    let delivery: QueueDelivery
    do {
      delivery = try QueueDelivery(broker: broker, spool: folder.isEmpty ? "spool" : folder)
    } catch {
      throw ToolError("\(folder): cannot use as the spool: \(error.localizedDescription)", exitCode: .unavailable)
    }
    delivery.startDraining()
    return delivery
  }
}
