import CRabbitMQ
import AttendanceKit
import Foundation

/// One delivered message.
public struct Delivery: Sendable {
  public let tag: UInt64
  public let routingKey: String
  public let body: Data
  public let redelivered: Bool
  /// The reason header (`x-att-reason`) of a dead-lettered message, when present.
  public let reason: String?
}
