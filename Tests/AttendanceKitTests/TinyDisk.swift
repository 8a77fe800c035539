import AttTestSupport
import Foundation

/// A small tmpfs of the test's own that can be filled to the last byte: a real full disk (ENOSPC,
/// SQLITE_FULL) without touching the machine's. Mounting needs root.
struct TinyDisk {
  let path: String
  private var filler: String { "\(path)/filler" }

  /// Whether this process may mount a tmpfs: tried once, for real (being root is not enough in a
  /// container without the capability).
  static let permitted: Bool = {
    guard geteuid() == 0, let probe = try? TinyDisk(megabytes: 1) else { return false }
    probe.unmount()
    return true
  }()

  init(megabytes: Int) throws {
    path = try Checkout.scratchFolder("tiny-disk")
    try Self.command("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path])
  }

  /// Writes a file until the disk refuses another byte.
  func fill() throws {
    try Self.command("/usr/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=64k"], allowFailure: true)
    try Self.command("/usr/bin/dd", ["if=/dev/zero", "of=\(filler)-tail", "bs=1"], allowFailure: true)
  }

  func free() throws {
    try FileManager.default.removeItem(atPath: filler)
    try FileManager.default.removeItem(atPath: "\(filler)-tail")
  }

  func unmount() { try? Self.command("/usr/bin/umount", ["-l", path]) }

  private static func command(_ path: String, _ arguments: [String], allowFailure: Bool = false) throws {
    let status = try runAndWait(path, arguments, environment: ProcessInfo.processInfo.environment, quiet: true)
    if !allowFailure && status != 0 {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(path) \(arguments) failed: \(status)"])
    }
  }
}
