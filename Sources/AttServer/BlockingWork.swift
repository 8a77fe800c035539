import Foundation
import NIOPosix
import Synchronization

/// Threads of att-serve's own for work that blocks: every SQLite call and every password check.
/// Swift's cooperative pool has one thread per core (two on a small host); a handler that blocked
/// it would stall every other request, the live feed and `/healthz` with it.
final class BlockingWork: Sendable {
  private let pool: NIOThreadPool

  /// `threads` bounds how much of this work runs at once; the rest waits in line. With `niceness`,
  /// the threads yield the CPU to everything else of the server (Linux schedules threads by their own
  /// nice value): under a flood of sign-ins the hashing slows down, the answers to others do not.
  init(threads: Int, niceness: Int32 = 0) {
    pool = NIOThreadPool(numberOfThreads: threads)
    pool.start()
    guard niceness != 0 else { return }
    for _ in 0..<threads {
      // On Linux, PRIO_PROCESS with id 0 sets the calling thread's nice value, not the whole process's.
      pool.submit { _ in _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
    }
  }

  deinit { pool.shutdownGracefully { _ in } }

  /// Runs `body` on one of the pool's threads and waits for it without holding a cooperative thread.
  func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await pool.runIfActive(body)
  }
}

/// Password checks (PBKDF2, about 0.3 s of one core each) on a thread of their own, at most
/// `capacity` admitted at a time: one runs, the rest wait in line, and any beyond are turned away at
/// once. A flood of sign-ins then costs one core and a line of bounded length, never the server.
final class PasswordChecks: Sendable {
  private let work: BlockingWork
  private let admitted = Atomic<Int>(0)
  let capacity: Int

  init(threads: Int = 1, capacity: Int = 4) {
    work = BlockingWork(threads: threads, niceness: 10)
    self.capacity = capacity
  }

  /// The result of `body`, or nil when the line is full (the caller answers "busy, try again").
  func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T? {
    guard admitted.wrappingAdd(1, ordering: .acquiring).newValue <= capacity else {
      admitted.wrappingSubtract(1, ordering: .releasing)
      return nil
    }
    defer { admitted.wrappingSubtract(1, ordering: .releasing) }
    return try await work.run(body)
  }
}
