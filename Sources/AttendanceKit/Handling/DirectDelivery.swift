import Foundation

/// Direct mode: the message is applied to the local database by the same handler att-worker uses.
public struct DirectDelivery: MessageDelivery {
  public let handler: MessageHandler

  public init(handler: MessageHandler) {
    self.handler = handler
  }

  public var summary: String {
    "direct mode (no MQ_URL), database \(handler.store.location.path), media \(handler.media.root)/"
  }

  public func deliver(_ message: Message, checked: Bool) throws -> DeliveryReceipt {
    .applied(try handler.apply(message, checked: checked))
  }
}
