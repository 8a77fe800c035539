import Foundation
import Testing

/// Threads of the test process's own, for test bodies. Swift Testing calls every test from Swift's
/// cooperative pool, which has one thread per core (two here). A test that waits on a process, runs
/// dlib or sleeps would hold one of those threads for minutes, and an async test beside it (a live
/// feed waiting for a record, a server answering `/healthz`) would starve. Run on these threads, a
/// blocking test holds only its own thread; a new one is started whenever every thread is busy, and
/// an idle one ends after a few seconds. How many tests run at once is `TestSlots`' business.
public final class TestThreads: TaskExecutor, @unchecked Sendable {
  public static let shared = TestThreads()

  private let condition = NSCondition()
  private var jobs: [UnownedJob] = []
  private var idle = 0

  public func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    condition.lock()
    jobs.append(job)
    // Threads already waiting take queued jobs in turn; start one more when they cannot take them all.
    if jobs.count > idle {
      let thread = Thread { [unowned self] in work() }
      thread.name = "att-test"
      thread.stackSize = 8 << 20
      thread.start()
    } else {
      condition.signal()
    }
    condition.unlock()
  }

  private func work() {
    let executor = asUnownedTaskExecutor()
    condition.lock()
    while true {
      if !jobs.isEmpty {
        let job = jobs.removeFirst()
        condition.unlock()
        job.runSynchronously(on: executor)
        condition.lock()
        continue
      }
      idle += 1
      let woken = condition.wait(until: Date(timeIntervalSinceNow: 5))
      idle -= 1
      if !woken && jobs.isEmpty { break }
    }
    condition.unlock()
  }
}

/// How many tests run at once, and which run alone. A test that measures time (a latency bound
/// during a flood) or pushes the machine (kill -9 in the middle of 10,000 messages) is `exclusive`:
/// it waits for the others to finish and keeps new ones out until it ends. Waiters are served in
/// order, so an exclusive test is not starved by a stream of shared ones.
public actor TestSlots {
  public static let shared = TestSlots(
    slots: ProcessInfo.processInfo.environment["ATT_TEST_JOBS"].flatMap(Int.init).map { max($0, 1) } ?? 3)

  private let slots: Int
  private var running = 0
  private var exclusiveRunning = false
  private var waiters: [(exclusive: Bool, resume: CheckedContinuation<Void, Never>)] = []

  init(slots: Int) {
    self.slots = slots
  }

  public func acquire(exclusive: Bool) async {
    if waiters.isEmpty && fits(exclusive) {
      take(exclusive)
      return
    }
    await withCheckedContinuation { waiters.append((exclusive, $0)) }
  }

  public func release(exclusive: Bool) {
    if exclusive { exclusiveRunning = false } else { running -= 1 }
    while let first = waiters.first, fits(first.exclusive) {
      waiters.removeFirst()
      take(first.exclusive)
      first.resume.resume()
    }
  }

  private func fits(_ exclusive: Bool) -> Bool {
    !exclusiveRunning && (exclusive ? running == 0 : running < slots)
  }

  private func take(_ exclusive: Bool) {
    if exclusive { exclusiveRunning = true } else { running += 1 }
  }
}

/// The trait every suite carries: each of its tests takes a slot (`TestSlots`) and runs on
/// `TestThreads`, never on the cooperative pool. `.exclusive` makes a test run alone.
public struct TestThreadsTrait: TestTrait, SuiteTrait, TestScoping {
  let exclusive: Bool

  public var isRecursive: Bool { true }

  public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
    // Only test cases take a slot (a suite holding one would block its own tests), and a test marked
    // exclusive takes only its exclusive one.
    guard testCase != nil else { return nil }
    if !exclusive, test.traits.contains(where: { ($0 as? TestThreadsTrait)?.exclusive == true }) { return nil }
    return self
  }

  public func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    await TestSlots.shared.acquire(exclusive: exclusive)
    do {
      try await withTaskExecutorPreference(TestThreads.shared) { try await function() }
    } catch {
      await TestSlots.shared.release(exclusive: exclusive)
      throw error
    }
    await TestSlots.shared.release(exclusive: exclusive)
  }
}

extension Trait where Self == TestThreadsTrait {
  /// Runs the tests on threads of their own (see `TestThreads`), several at a time.
  public static var testThreads: Self { TestThreadsTrait(exclusive: false) }
  /// Runs a test on a thread of its own, with no other test running.
  public static var exclusive: Self { TestThreadsTrait(exclusive: true) }
}
