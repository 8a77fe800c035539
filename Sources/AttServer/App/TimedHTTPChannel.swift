import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// att-serve's child channel: HTTP/1 with the WebSocket upgrade, with `ConnectionEdge` in front of
/// it (connection caps, the first head's deadline, 400 for what is not HTTP) and
/// `DecoderErrorReport` behind it.
struct TimedHTTPChannel<Base: ServerChildChannel>: ServerChildChannel {
  struct Value: ServerChildChannelValue {
    let base: Base.Value
    let outcome: EdgeOutcome
    var channel: any Channel { base.channel }
  }
  let base: Base
  let limits: ConnectionLimits
  let headTimeout: TimeAmount

  func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
    let handler = ConnectionEdge(limits: limits, headTimeout: headTimeout)
    let outcome = handler.outcome
    let edge = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    return channel.eventLoop.makeCompletedFuture {
      try channel.pipeline.syncOperations.addHandler(edge.value)
    }.flatMap {
      base.setup(channel: channel, logger: logger)
    }.flatMapThrowing { value in
      try channel.pipeline.syncOperations.addHandler(DecoderErrorReport(edge: edge.value))
      return Value(base: value, outcome: outcome)
    }
  }

  func handle(value: Value, logger: Logger) async {
    // The edge answered and closed the connection itself: there is no request to serve.
    if value.outcome.endedByEdge { return }
    // A client that vanishes before its upgrade negotiation ends (a half-open head closed later by
    // the edge) makes Hummingbird log an error per connection: a flood of them would flood the log.
    // Requests are logged by AccessLog; the channel's own errors are kept to the critical ones.
    var quiet = logger
    quiet.logLevel = .critical
    await base.handle(value: value.base, logger: quiet)
  }
}
