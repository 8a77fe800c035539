import Foundation
import NIOPosix
import Synchronization

/// Password checks (PBKDF2, about 0.3 s of one core each) on a thread of their own, in a line of
/// bounded length: one runs, the rest wait, and any beyond are turned away at once. A flood of
/// sign-ins then costs one core and a short line, never the server. The line is fair:
/// - one address holds at most `perAddress` places in it;
/// - addresses a user has signed in from before have `capacity` places of their own, so a flood
///   from new addresses cannot crowd out the people who work there.
final class PasswordChecks: Sendable {
  private let work: BlockingWork
  private let admitted = Mutex<(strangers: Int, known: Int, byAddress: [String: Int])>((0, 0, [:]))
  let capacity: Int
  let perAddress: Int

  init(threads: Int = 1, capacity: Int = 4, perAddress: Int = 2) {
    work = BlockingWork(threads: threads, niceness: 10)
    self.capacity = capacity
    self.perAddress = perAddress
  }

  /// The result of `body`, or nil when there is no place in the line (the caller answers "busy").
  func run<T: Sendable>(address: String, known: Bool, _ body: @escaping @Sendable () throws -> T) async throws -> T? {
    let placed = admitted.withLock { state -> Bool in
      guard state.byAddress[address, default: 0] < perAddress, (known ? state.known : state.strangers) < capacity else {
        return false
      }
      if known { state.known += 1 } else { state.strangers += 1 }
      state.byAddress[address, default: 0] += 1
      return true
    }
    guard placed else { return nil }
    defer {
      admitted.withLock { state in
        if known { state.known -= 1 } else { state.strangers -= 1 }
        let left = state.byAddress[address, default: 1] - 1
        state.byAddress[address] = left > 0 ? left : nil
      }
    }
    return try await work.run(body)
  }
}
