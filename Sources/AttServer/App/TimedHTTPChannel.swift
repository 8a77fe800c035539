import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// att-serve's child channel: HTTP/1 with the WebSocket upgrade, behind `FirstRequestTimeout`.
struct TimedHTTPChannel<Base: ServerChildChannel>: ServerChildChannel {
  typealias Value = Base.Value
  let base: Base
  let firstRequestTimeout: TimeAmount

  func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
    channel.eventLoop.makeCompletedFuture {
      try channel.pipeline.syncOperations.addHandler(FirstRequestTimeout(timeout: firstRequestTimeout))
    }.flatMap { base.setup(channel: channel, logger: logger) }
  }

  func handle(value: Value, logger: Logger) async {
    await base.handle(value: value, logger: logger)
  }
}
