import AttendanceKit
import FaceKit
import Foundation
import Synchronization

/// A bounded first-in first-out queue between the two stages.
final class FrameQueue: @unchecked Sendable {
  private let condition = NSCondition()
  private var items: [DetectedFrame] = []
  private var closed = false
  let capacity: Int

  init(capacity: Int) {
    self.capacity = capacity
  }

  var isFull: Bool { condition.withLock { items.count >= capacity } }

  func put(_ frame: DetectedFrame) {
    condition.lock()
    defer { condition.unlock() }
    while items.count >= capacity && !closed { condition.wait() }
    guard !closed else { return }
    items.append(frame)
    condition.broadcast()
  }

  func take() -> DetectedFrame? {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty && !closed { condition.wait() }
    guard !items.isEmpty else { return nil }
    let frame = items.removeFirst()
    condition.broadcast()
    return frame
  }

  func close() {
    condition.withLock {
      closed = true
      condition.broadcast()
    }
  }

  /// Unblocks a producer after the consumer failed.
  func drain() {
    close()
    condition.withLock { items.removeAll() }
  }
}
