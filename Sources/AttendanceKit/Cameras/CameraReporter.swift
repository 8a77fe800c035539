import Foundation
import Logging
import Synchronization

/// A thread that sends the camera's status every `interval` seconds, and a last one, marked
/// stopped, when the camera stops. A failed send is logged once per outage and retried at the next tick.
public final class CameraReporter: @unchecked Sendable {
  private let interval: Double
  private let build: @Sendable () -> CameraStatus
  private let send: @Sendable (CameraStatus) throws -> Void
  private let log: Logger
  private let condition = NSCondition()
  private var stopping = false
  private var finished = false
  private var failing = false

  public init(
    interval: Double, build: @escaping @Sendable () -> CameraStatus, send: @escaping @Sendable (CameraStatus) throws -> Void,
    log: Logger
  ) {
    self.interval = interval
    self.build = build
    self.send = send
    self.log = log
  }

  public func start() {
    OwnThread.start(name: "att-take status") { [self] in loop() }
  }

  private func loop() {
    var next = Deadline.now
    while true {
      condition.lock()
      while !stopping, !next.hasPassed { _ = condition.wait(until: next.date) }
      let stop = stopping
      condition.unlock()
      if stop { break }
      report(build())
      next = Deadline(seconds: interval)
    }
    var last = build()
    last.state = .stopped
    report(last)
    condition.lock()
    finished = true
    condition.broadcast()
    condition.unlock()
  }

  private func report(_ status: CameraStatus) {
    do {
      try send(status)
      if failing { log("camera status: reaching the server again") }
      failing = false
    } catch {
      if !failing { log("camera status not sent (\(error)); retrying every \(interval) s") }
      failing = true
    }
  }

  /// Sends the last status (stopped) and waits for it, up to `seconds`.
  public func finish(within seconds: Double = 3) {
    condition.lock()
    stopping = true
    condition.broadcast()
    let deadline = Deadline(seconds: seconds)
    while !finished, condition.wait(until: deadline.date) {}
    condition.unlock()
  }
}
