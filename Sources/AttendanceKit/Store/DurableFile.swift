import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Files written so that a crash or a power cut leaves either the old file or the new one, whole.
public enum DurableFile {
  /// Temporary file beside `path` (created with `mode`), fsync, rename, fsync of the folder.
  public static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
    let file = try Writer(path: path, mode: mode)
    do {
      try file.append(data)
      try file.commit()
    } catch {
      file.abandon()
      throw error
    }
  }

  /// The same for a file written in pieces (an export of many rows): `body` appends through the
  /// writer; the file appears whole when `body` returns, and not at all when it throws.
  public static func write(to path: String, mode: mode_t = 0o600, _ body: (Writer) async throws -> Void) async throws {
    let file = try Writer(path: path, mode: mode)
    do {
      try await body(file)
      try file.commit()
    } catch {
      file.abandon()
      throw error
    }
  }

  /// A temporary file beside its destination, renamed into place by `commit`.
  public final class Writer {
    private let path: String
    private let folder: String
    private let temporary: String
    private var fd: Int32

    init(path: String, mode: mode_t) throws {
      self.path = path
      let parent = (path as NSString).deletingLastPathComponent
      folder = parent.isEmpty ? "." : parent
      temporary = "\(folder)/.\(UUID().uuidString).partial"
      fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
      guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
      // The mode is the file's whatever the umask: a cache of biometric data must not be readable by others.
      _ = fchmod(fd, mode)
    }

    /// Appends the bytes (all of them, or a thrown error).
    public func append(_ data: Data) throws {
      var written = 0
      while written < data.count {
        let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno == 0 ? EIO : errno) ?? .EIO) }
        written += n
      }
    }

    func commit() throws {
      let synced = fsync(fd)
      Glibc.close(fd)
      fd = -1
      guard synced == 0, rename(temporary, path) == 0 else {
        let error = POSIXError(POSIXErrorCode(rawValue: errno == 0 ? EIO : errno) ?? .EIO)
        unlink(temporary)
        throw error
      }
      DurableFile.syncFolder(folder)
    }

    func abandon() {
      if fd >= 0 { Glibc.close(fd) }
      fd = -1
      unlink(temporary)
    }
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
