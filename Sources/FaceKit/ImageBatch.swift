import Foundation
import Synchronization

/// Runs the face engine over many image files on several cores and hands back the reports in input
/// order, so that output is the same whatever the number of workers.
public enum ImageBatch {
  /// Processes every path `next` yields until it returns nil. Each worker owns one engine (dlib's
  /// networks are not thread-safe); `deliver` is called once per input, in input order, never
  /// concurrently. The first engine is built before any work starts, so a model problem is thrown
  /// here, once, instead of being reported for every file.
  public static func run(
    workers: Int,
    limits: ImageLimits,
    makeEngine: @escaping @Sendable () throws(FaceKitError) -> FaceEngine,
    next: @escaping @Sendable () -> String?,
    deliver: @escaping @Sendable (ImageReport) -> Void
  ) throws(FaceKitError) {
    let first = EngineHandOff(try makeEngine())
    let state = Mutex(OrderState())

    DispatchQueue.concurrentPerform(iterations: max(workers, 1)) { worker in
      let engine: FaceEngine
      if worker == 0, let handed = first.take() {
        engine = handed
      } else {
        do {
          engine = try makeEngine()
        } catch {
          return  // the first engine loaded, so the others can only fail for memory: fewer workers then
        }
      }
      while let (index, path) = state.withLock({ $0.claim(next) }) {
        let report: ImageReport
        do throws(FaceKitError) {
          let image = try Image(contentsOfFile: path, limits: limits)
          report = ImageReport(file: path, image: image, faces: try engine.analyze(image))
        } catch {
          report = ImageReport(file: path, error: error)
        }
        state.withLock { $0.finish(index, report, deliver) }
      }
    }
  }
}

/// The shared position of a batch: which input is next, and finished reports waiting for their turn.
private struct OrderState: ~Copyable {
  var claimed = 0
  var delivered = 0
  var waiting: [Int: ImageReport] = [:]

  mutating func claim(_ next: () -> String?) -> (Int, String)? {
    guard let path = next() else { return nil }
    defer { claimed += 1 }
    return (claimed, path)
  }

  mutating func finish(_ index: Int, _ report: ImageReport, _ deliver: (ImageReport) -> Void) {
    waiting[index] = report
    while let ready = waiting.removeValue(forKey: delivered) {
      deliver(ready)
      delivered += 1
    }
  }
}
