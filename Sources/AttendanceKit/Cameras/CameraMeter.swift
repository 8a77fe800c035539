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
