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
