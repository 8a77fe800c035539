import AttTestSupport
import Foundation
import Testing

@testable import AttendanceKit

@Suite("Waits and retries on the monotonic clock", .testThreads)
struct DeadlineTests {
  @Test("a deadline counts down from its seconds and passes; 'now' has passed; a bad length is now")
  func countsDown() {
    let minute = Deadline(seconds: 60)
    #expect(!minute.hasPassed && minute.remaining > 50 && minute.remaining <= 60)
    #expect(minute.date.timeIntervalSinceNow > 50, "the same limit as a Date, for NSCondition")
    #expect(Deadline.now.hasPassed && Deadline.now.remaining == 0)
    #expect(Deadline(seconds: .nan).hasPassed && Deadline(seconds: -5).hasPassed)
    let started = ContinuousClock.now
    #expect(started.elapsedSeconds >= 0 && started.elapsedSeconds < 50)
  }

  @Test("a retry's sleep ends as soon as the run is stopped, not when its time is up")
  func sleepStops() {
    let stop = StopSignal()
    #expect(stop.sleep(0.01) == false, "a short sleep runs out, not stopped")
    let asleep = DispatchSemaphore(value: 0)
    let woke = DispatchSemaphore(value: 0)
    let stopped = ManagedFlag()
    Thread.detachNewThread {
      asleep.signal()
      stopped.value = stop.sleep(600)
      woke.signal()
    }
    asleep.wait()
    stop.stop()
    #expect(woke.wait(timeout: .now() + 60) == .success, "a 600 s back-off wakes when stopped")
    #expect(stopped.value)
    #expect(stop.sleep(600) == true, "already stopped: no sleep at all")
  }
}

/// A flag set on one thread and read on another after a semaphore orders them.
private final class ManagedFlag: @unchecked Sendable {
  var value = false
}
