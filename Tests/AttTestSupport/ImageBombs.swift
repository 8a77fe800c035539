import Foundation

/// Small files that declare huge images (decompression bombs), made here rather than shipped:
/// - a TIFF of 30000x30000 RGB whose 30000 strips all point at one row of zeros (about 330 KB, a
///   real, decodable 2.7 GB image);
/// - a PNG whose header says 30000x30000 RGB (a decoder allocates the image from the header);
/// - a WebP (VP8X) whose canvas is 16384x16384.
public enum ImageBombs {
  public static let tiffSide = 30000

  public static func tiff(side: Int = tiffSide) -> Data {
    var out = Data()
    func u16(_ v: Int) { out.append(contentsOf: [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)]) }
    func u32(_ v: Int) { out.append(contentsOf: (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) }) }
    let rowBytes = side * 3
    let entries = 10
    let ifd = 8
    let ifdSize = 2 + entries * 12 + 4
    let bitsAt = ifd + ifdSize
    let offsetsAt = bitsAt + 6
    let countsAt = offsetsAt + side * 4
    let rowAt = countsAt + side * 4
    out.append(contentsOf: Array("II".utf8))
    u16(42)
    u32(ifd)
    u16(entries)
    func entry(_ tag: Int, _ type: Int, _ count: Int, _ value: Int) {
      u16(tag)
      u16(type)
      u32(count)
      if type == 3 && count == 1 {
        u16(value)
        u16(0)
      } else {
        u32(value)
      }
    }
    entry(256, 4, 1, side)  // ImageWidth
    entry(257, 4, 1, side)  // ImageLength
    entry(258, 3, 3, bitsAt)  // BitsPerSample 8,8,8
    entry(259, 3, 1, 1)  // no compression
    entry(262, 3, 1, 2)  // RGB
    entry(273, 4, side, offsetsAt)  // StripOffsets
    entry(277, 3, 1, 3)  // SamplesPerPixel
    entry(278, 4, 1, 1)  // RowsPerStrip
    entry(279, 4, side, countsAt)  // StripByteCounts
    entry(284, 3, 1, 1)  // planar: chunky
    u32(0)
    u16(8)
    u16(8)
    u16(8)
    for _ in 0..<side { u32(rowAt) }
    for _ in 0..<side { u32(rowBytes) }
    out.append(Data(count: rowBytes))
    return out
  }

  public static func png(side: Int = 30000) -> Data {
    var out = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    func chunk(_ type: String, _ body: [UInt8]) {
      let length = body.count
      out.append(contentsOf: [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)])
      let typed = Array(type.utf8) + body
      out.append(contentsOf: typed)
      let crc = crc32(typed)
      out.append(contentsOf: [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)])
    }
    let s = UInt32(side)
    let be = [UInt8(s >> 24), UInt8((s >> 16) & 0xFF), UInt8((s >> 8) & 0xFF), UInt8(s & 0xFF)]
    chunk("IHDR", be + be + [8, 2, 0, 0, 0])
    // A zlib stream of one stored block of zeros: the first rows; the rest is missing.
    let zeros = [UInt8](repeating: 0, count: 60000)
    chunk("IDAT", [0x78, 0x01, 0x01, UInt8(zeros.count & 0xFF), UInt8(zeros.count >> 8), UInt8(~zeros.count & 0xFF), UInt8((~zeros.count >> 8) & 0xFF)] + zeros)
    chunk("IEND", [])
    return out
  }

  public static func webp(side: Int = 16384) -> Data {
    var body = Data(Array("WEBP".utf8))
    body.append(contentsOf: Array("VP8X".utf8))
    body.append(contentsOf: [10, 0, 0, 0, 0, 0, 0, 0])
    let w = side - 1
    body.append(contentsOf: [UInt8(w & 0xFF), UInt8((w >> 8) & 0xFF), UInt8((w >> 16) & 0xFF)])
    body.append(contentsOf: [UInt8(w & 0xFF), UInt8((w >> 8) & 0xFF), UInt8((w >> 16) & 0xFF)])
    // A lossless frame header of the same size, so that a decoder has a bitstream to start on.
    body.append(contentsOf: Array("VP8L".utf8))
    body.append(contentsOf: [5, 0, 0, 0, 0x2F])
    let bits = UInt32(w) | (UInt32(w) << 14)
    body.append(contentsOf: [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24), 0])
    var out = Data(Array("RIFF".utf8))
    let size = body.count
    out.append(contentsOf: [UInt8(size & 0xFF), UInt8((size >> 8) & 0xFF), UInt8((size >> 16) & 0xFF), UInt8(size >> 24)])
    out.append(body)
    return out
  }

  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
    }
    return ~crc
  }
}

/// Runs a tool and reports its exit status, wall time and peak memory (the kernel's own count for
/// that child, from wait4), for tests that bound what an input may cost.
public enum MeasuredRun {
  public static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, seconds: Double, peakMB: Double) {
    let path = ToolRun.executable(tool)
    let argv = [path] + arguments
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    let start = ContinuousClock.now
    let spawned = posix_spawn(&pid, path, &actions, nil, cArgs, environ)
    guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return (exit, seconds, Double(usage.ru_maxrss) / 1024)
  }
}
