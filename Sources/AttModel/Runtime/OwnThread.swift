import Foundation

/// A thread of the project's own (a worker's loop, a frame producer, a subscription): `body` runs on
/// a new thread, and what it captured is released on that thread as the body returns.
///
/// A Foundation `Thread` keeps its closure, and all that the closure captured, until the `Thread`
/// object itself is freed: later, on whichever thread lets it go last, often a dispatch thread as it
/// exits. A deinit run there (a GRDB pool closing its dispatch queues, caught in QueueTests with
/// glibc's malloc checks: a crash in `_dispatch_barrier_async_detached_f` under `Thread`'s deinit)
/// corrupted the heap, and the test process aborted later with `tcache_thread_shutdown(): unaligned
/// tcache chunk detected` or `malloc_consolidate(): unaligned fastbin chunk detected`.
public enum OwnThread {
  /// Starts `body` on a new thread named `name` (`stackSize` bytes of stack, if given).
  @discardableResult
  public static func start(name: String? = nil, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) -> Thread {
    let once = Once(body)
    let thread = Thread { once.run() }
    if let name { thread.name = name }
    if let stackSize { thread.stackSize = stackSize }
    thread.start()
    return thread
  }

  /// The body, handed to the thread and dropped by it.
  private final class Once: @unchecked Sendable {
    /// Set before the thread starts; taken by the thread alone.
    private var body: (@Sendable () -> Void)?
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    func run() {
      guard let body else { return }
      self.body = nil
      body()
      // `body`, and all it captured, is released here, on this thread, while it is still whole.
    }
  }
}
