import AttendanceKit
import FaceKit
import FaceVideo
import Foundation
import Synchronization

/// Samples the photos of many people's folders on several cores: one engine per worker, people
/// handed out one at a time, results returned in the order of `people` whatever the worker count.
public enum FolderSampling {
  /// What sampling one person's folder gave.
  public struct Outcome: @unchecked Sendable {
    public let person: PersonFolders.Entry
    /// The sampler with the samples and refusals, or why the folder could not be read.
    public let result: Result<(sampler: FaceSampler, end: FaceSampler.CollectionEnd), FaceKitError>
  }

  /// Samples every folder. The first engine is built before any work, so a model problem is thrown
  /// once; `progress` is called with (folders done, total) from the workers.
  public static func run(
    _ people: [PersonFolders.Entry], workers: Int, gate: QualityGate, wanted: Int,
    makeEngine: @escaping @Sendable () throws(FaceKitError) -> FaceEngine,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws(FaceKitError) -> [Outcome] {
    let first = EngineHandOff(try makeEngine())
    let state = Mutex((next: 0, done: 0, outcomes: [Int: Outcome]()))
    DispatchQueue.concurrentPerform(iterations: max(1, min(workers, people.count))) { worker in
      guard let engine = worker == 0 ? first.take() : try? makeEngine() else { return }
      while true {
        let index: Int = state.withLock { s in
          defer { s.next += 1 }
          return s.next
        }
        guard index < people.count else { return }
        let person = people[index]
        let sampler = FaceSampler(engine: engine, gate: gate, wanted: wanted, interval: 0)
        let result: Result<(sampler: FaceSampler, end: FaceSampler.CollectionEnd), FaceKitError>
        do throws(FaceKitError) {
          let reader = try FrameSource.folder(person.folder).open()
          result = .success((sampler, sampler.collect(from: reader, timeout: nil)))
        } catch {
          result = .failure(error)
        }
        let done = state.withLock { s in
          s.outcomes[index] = Outcome(person: person, result: result)
          s.done += 1
          return s.done
        }
        progress?(done, people.count)
      }
    }
    let outcomes = state.withLock { $0.outcomes }
    return people.indices.compactMap { outcomes[$0] }
  }
}
