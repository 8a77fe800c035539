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
let logger = Logger(label: "serve-bench")
