import Logging

extension Logger {
  /// A line for the operator, at notice level: `log("connected to amqp://...")`. The tools print it
  /// as "att-take: connected to ..." or as a JSON record (`--log-format json`).
  public func callAsFunction(_ line: String) {
    notice("\(line)")
  }
}
