import Foundation
import Synchronization

/// Set from a signal handler or another thread to stop a run after the frame in hand.
public final class StopSignal: Sendable {
  private let flag = Atomic<Bool>(false)
  public init() {}
  public func stop() { flag.store(true, ordering: .relaxed) }
  public var isStopped: Bool { flag.load(ordering: .relaxed) }
}
