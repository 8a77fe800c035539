import Foundation
import Logging
import Synchronization

/// Seconds since the bench started (monotonic).
let benchStart = ContinuousClock.now
@Sendable func now() -> Double {
  let d = ContinuousClock.now - benchStart
  return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// When each client received each person's record.
let received = Mutex<[String: [Double]]>([:])
let ready = Atomic<Int>(0)
let done = Atomic<Int>(0)
let complete = Atomic<Int>(0)
let logger = Logger(label: "serve-bench")

/// The values of every "person_id" in a feed message.
@Sendable func personIDs(in text: String) -> [String] {
  var found: [String] = []
  var rest = Substring(text)
  let key = "\"person_id\":\""
  while let range = rest.range(of: key) {
    rest = rest[range.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { break }
    found.append(String(rest[..<end]))
    rest = rest[end...]
  }
  return found
}
