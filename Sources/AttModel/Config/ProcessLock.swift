import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An advisory lock on a file (flock), held until released or the process ends: the kernel drops it
/// when a run is killed, so a crashed cron job never leaves a stale lock behind.
public final class ProcessLock {
  public let path: String
  private var descriptor: Int32

  /// Takes the lock at `path`, creating the file. Without `wait`, returns nil at once when another
  /// process holds it.
  public init?(path: String, wait: Bool) throws {
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    // The descriptor is stored only once the lock is held: a class whose init fails after its stored
    // properties are set still runs deinit, which would close the number a second time, by then
    // perhaps another thread's file (an SQLite database gave "disk I/O error" that way).
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
      // errno is read before close(), which may set it again.
      let failure = errno
      if failure == EINTR { continue }
      close(fd)
      if failure == EWOULDBLOCK { return nil }
      throw POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO)
    }
    self.path = path
    descriptor = fd
    // The holder's pid, for an operator wondering who holds it.
    let pid = "\(getpid())\n"
    _ = ftruncate(fd, 0)
    _ = pid.withCString { write(fd, $0, strlen($0)) }
  }

  /// Releases the lock (also done on deinit).
  public func release() {
    guard descriptor >= 0 else { return }
    flock(descriptor, LOCK_UN)
    close(descriptor)
    descriptor = -1
  }

  deinit { release() }
}
