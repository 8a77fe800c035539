import Foundation

/// What applying one message did.
public struct HandlingResult: Sendable, Equatable {
  public enum Outcome: Sendable, Equatable {
    /// The message changed the database; the text says how.
    case applied(String)
    /// Nothing new: a replayed message, or a second sighting the attendance rule counts but does not insert.
    case duplicate(String)
    /// The message can never succeed (unknown person, invalid field); it belongs in the dead-letter queue.
    case rejected(String)
  }

  public let outcome: Outcome
  /// What to publish once the transaction has committed (the dashboard, att-take's gallery).
  public let events: [StoreEvent]
}
