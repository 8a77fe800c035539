import Foundation
import Synchronization

/// What a running att-take counts for its status: frames, faces, the last frame's time, and the
/// frame rate over the last report's interval. Written by the frame loop, read by the reporter.
public final class CameraMeter: Sendable {
  private struct Counts {
    var frames = 0
    var faces = 0
    var lastFrameAt: Date?
    var window: (start: Date, frames: Int) = (Date(), 0)
  }
  private let counts = Mutex(Counts())
  private let people = Atomic<Int>(0)
  public let startedAt = Date()

  /// The people in the gallery now (after a reload).
  public func gallery(people count: Int) { people.store(count, ordering: .relaxed) }
  public var galleryPeople: Int { people.load(ordering: .relaxed) }

  public init() {}

  /// One frame went through, with `faces` faces.
  public func frame(faces: Int, at now: Date = Date()) {
    counts.withLock {
      $0.frames += 1
      $0.faces += faces
      $0.lastFrameAt = now
    }
  }

  /// `template` filled with the counts; the frame rate is over the time since the last call.
  public func status(_ template: CameraStatus, dropped: Int, at now: Date = Date()) -> CameraStatus {
    counts.withLock { c in
      var status = template
      status.startedAt = startedAt
      status.frames = c.frames
      status.faces = c.faces
      status.dropped = dropped
      status.lastFrameAt = c.lastFrameAt
      let seconds = now.timeIntervalSince(c.window.start)
      if seconds > 0.2 {
        status.framesPerSecond = (Double(c.frames - c.window.frames) / seconds * 10).rounded() / 10
        c.window = (now, c.frames)
      }
      return status
    }
  }
}

/// A thread that sends the camera's status every `interval` seconds, and a last one, marked
/// stopped, when the camera stops. A failed send is logged once per outage and retried at the next tick.
public final class CameraReporter: @unchecked Sendable {
  private let interval: Double
  private let build: @Sendable () -> CameraStatus
  private let send: @Sendable (CameraStatus) throws -> Void
  private let log: @Sendable (String) -> Void
  private let condition = NSCondition()
  private var stopping = false
  private var finished = false
  private var failing = false

  public init(
    interval: Double, build: @escaping @Sendable () -> CameraStatus, send: @escaping @Sendable (CameraStatus) throws -> Void,
    log: @escaping @Sendable (String) -> Void
  ) {
    self.interval = interval
    self.build = build
    self.send = send
    self.log = log
  }

  public func start() {
    let thread = Thread { [self] in loop() }
    thread.name = "att-take status"
    thread.start()
  }

  private func loop() {
    var next = Date()
    while true {
      condition.lock()
      while !stopping, Date() < next { _ = condition.wait(until: next) }
      let stop = stopping
      condition.unlock()
      if stop { break }
      report(build())
      next = Date(timeIntervalSinceNow: interval)
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
    let deadline = Date(timeIntervalSinceNow: seconds)
    while !finished, condition.wait(until: deadline) {}
    condition.unlock()
  }
}
