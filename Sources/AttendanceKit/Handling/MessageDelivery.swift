import Foundation

/// How a producer's messages reach the database. Direct mode applies them in-process with the one
/// handler; queue mode (att-worker's issue) publishes them to RabbitMQ for att-worker to apply.
/// Producers are written against this protocol, so their logic does not change between the two.
public protocol MessageDelivery: Sendable {
  /// One line for the start-up banner: the mode and where messages go.
  var summary: String { get }
  /// Delivers one message: applied at once (direct) or accepted by the broker (queue). It is
  /// checked against `MessageLimits` first, unless the caller did that already (`checked`: the
  /// server checks a change before its scope checks), so each message is validated once per side.
  func deliver(_ message: Message, checked: Bool) throws -> DeliveryReceipt
  /// Before the producer exits: sends what still waits, for up to `seconds`, and says what is left
  /// (nil when nothing can wait: direct mode).
  func finish(within seconds: Double) -> DeliveryBacklog?
}

extension MessageDelivery {
  /// Delivers one message, checked here.
  public func deliver(_ message: Message) throws -> DeliveryReceipt { try deliver(message, checked: false) }

  public func finish(within seconds: Double) -> DeliveryBacklog? { nil }
}

/// What happened to a delivered message.
public enum DeliveryReceipt: Sendable, Equatable {
  /// Applied to the database in-process, with the handler's result.
  case applied(HandlingResult)
  /// Accepted for delivery by the broker (or the producer's spool); a worker will apply it.
  case queued
}

extension RegisterMessage {
  /// A registration of the samples an enrolment took.
  public init(
    personID: String, name: String, samples: [EnrolmentSample], source: String, classID: String?, at date: Date = Date()
  ) {
    self.init(
      personID: personID, name: name,
      faces: samples.map { FaceCrop(jpeg: $0.jpeg, quality: $0.quality.figures) },
      source: source, capturedAt: CapturedTime(date), classID: classID)
  }
}
