import Foundation
import Synchronization

/// Passes the engine built on the calling thread to worker 0, which alone takes it (ImageBatch and
/// AttendanceKit's FolderSampling: build one engine first, so a model problem surfaces once).
public final class EngineHandOff: @unchecked Sendable {
  private let lock = NSLock()
  private var engine: FaceEngine?
  public init(_ engine: FaceEngine) { self.engine = engine }
  public func take() -> FaceEngine? {
    lock.withLock {
      defer { engine = nil }
      return engine
    }
  }
}
