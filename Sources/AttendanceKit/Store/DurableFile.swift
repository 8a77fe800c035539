import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Files written so that a crash or a power cut leaves either the old file or the new one, whole.
public enum DurableFile {
  /// Temporary file beside `path` (created with `mode`), fsync, rename, fsync of the folder.
  public static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
    let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
    let temporary = "\(folder)/.\(UUID().uuidString).partial"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    // The mode is the file's whatever the umask: a cache of biometric data must not be readable by others.
    _ = fchmod(fd, mode)
    var written = 0
    while written < data.count {
      let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { break }
      written += n
    }
    let synced = fsync(fd)
    Glibc.close(fd)
    guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
      let error = POSIXError(POSIXErrorCode(rawValue: errno == 0 ? EIO : errno) ?? .EIO)
      unlink(temporary)
      throw error
    }
    syncFolder(folder)
  }

  /// Overwrites the file's bytes with zeros in place (the same blocks, on a file system that does
  /// not copy on write) and flushes them: what a rename alone would leave readable on the disk.
  public static func scrub(_ path: String) {
    let fd = open(path, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    defer { Glibc.close(fd) }
    var size = lseek(fd, 0, SEEK_END)
    guard size > 0, lseek(fd, 0, SEEK_SET) == 0 else { return }
    let zeros = [UInt8](repeating: 0, count: 64 * 1024)
    while size > 0 {
      let n = zeros.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, min(Int(size), $0.count)) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return }
      size -= off_t(n)
    }
    fsync(fd)
  }

  public static func syncFolder(_ folder: String) {
    let dir = open(folder, O_RDONLY | O_DIRECTORY)
    if dir >= 0 {
      fsync(dir)
      Glibc.close(dir)
    }
  }
}
