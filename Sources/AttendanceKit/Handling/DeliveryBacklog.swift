import Foundation

/// What a queue-mode producer leaves behind at exit.
public struct DeliveryBacklog: Sendable, Equatable {
  /// Messages safely on disk that the broker has not confirmed yet.
  public let pending: Int
  public let spool: String
  public let broker: String

  package init(pending: Int, spool: String, broker: String) {
    self.pending = pending
    self.spool = spool
    self.broker = broker
  }

  /// One line for the operator: all sent, or how many wait where, and when they go.
  public var summary: String {
    pending == 0
      ? "every message was confirmed by the broker \(broker)"
      : "\(pending) message(s) not yet confirmed by the broker \(broker) wait in \(spool)/; they are sent when the broker is back, by the next att-take or att-register run on this spool, by att-worker on this host, or by att-register flush"
  }
}
