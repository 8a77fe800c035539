import Foundation
import Synchronization

/// Passes the engine built on the calling thread to worker 0, which alone takes it (ImageBatch and
/// AttFrames' FolderSampling: build one engine first, so a model problem surfaces once).
public final class EngineHandOff: @unchecked Sendable {
  // FaceEngine is not Sendable (dlib's scratch state); the handoff moves it to one thread only.
  private let engine: Mutex<FaceEngine?>
  public init(_ engine: sending FaceEngine) { self.engine = Mutex(engine) }
  public func take() -> FaceEngine? {
    engine.withLock { held in
      defer { held = nil }
      return held
    }
  }
}
