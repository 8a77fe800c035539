import Foundation
import NIOPosix
import Synchronization

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
