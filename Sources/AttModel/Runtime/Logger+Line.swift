import Logging

extension Logger {
  /// A line for the operator, at notice level: `log("connected to amqp://...")`. The tools print it
  /// as "att-take: connected to ..." or as a JSON record (`--log-format json`). The record's source
  /// is the caller's module (AttQueue, att-worker), not this file's.
  public func callAsFunction(_ text: String, file: String = #fileID, function: String = #function, line: UInt = #line) {
    notice("\(text)", file: file, function: function, line: line)
  }
}
