import AttTestSupport
import FaceKit
import FaceVideo
import Foundation
import Testing

@Suite("Video files shown as their display matrix says", .testThreads)
struct VideoRotationTests {
  /// A phone held upright stores its frames on their side with a display matrix of a quarter turn
  /// clockwise (ffprobe's "rotation=-90"). This copies a real clip with its video track's matrix set
  /// so, as such a phone writes it: what a player shows is the clip turned a quarter clockwise.
  static func withPhoneMatrix(_ source: String, to path: String) throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
    func u32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    func put(_ value: Int32, at: Int) {
      for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: UInt32(bitPattern: value) >> (24 - 8 * k)) }
    }
    var patched = 0
    // moov and trak hold boxes; a track's tkhd holds its matrix, then its width and height.
    func walk(_ start: Int, _ end: Int) {
      var at = start
      while at + 8 <= end {
        let size = u32(at), type = String(decoding: bytes[at + 4..<at + 8], as: UTF8.self)
        guard size >= 8, at + size <= end else { return }
        if type == "moov" || type == "trak" { walk(at + 8, at + size) }
        if type == "tkhd" {
          let version = bytes[at + 8]
          let matrix = at + 8 + 4 + (version == 1 ? 32 : 20) + 16
          if u32(matrix + 36) != 0 {  // a track with a picture: the video
            for (k, value) in [0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30].enumerated() {
              put(Int32(value), at: matrix + 4 * k)
            }
            patched += 1
          }
        }
        at += size
      }
    }
    walk(0, bytes.count)
    #expect(patched == 1, "one video track in \(source)")
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  @Test("a phone's portrait video is turned upright as its file says, not upside down (OpenCV 4.6 turns it the wrong way)")
  func phoneMatrix() throws {
    let folder = try Checkout.scratchFolder("video-rotation")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let clip = "\(Checkout.shared)/faces/video/short_hamilton_clip.mp4"
    let phone = "\(folder)/phone.mp4"
    try Self.withPhoneMatrix(clip, to: phone)

    let plainSource = try VideoSource(clip), phoneSource = try VideoSource(phone)
    let plain = try #require(try plainSource.nextFrame()), turned = try #require(try phoneSource.nextFrame())
    #expect(plainSource.rotation == 0 && phoneSource.rotation == 90)
    #expect(turned.width == plain.height && turned.height == plain.width, "a quarter turn")
    #expect(phoneSource.frameSize == (turned.width, turned.height), "the size said is the size delivered")
    // Turned clockwise: the plain frame's pixel (x, y) is at (height - 1 - y, x). Upside down (what
    // OpenCV's own turn gives) it would be at (y, width - 1 - x).
    let a = plain.rgbBytes(), b = turned.rgbBytes()
    var same = 0, checked = 0
    for y in stride(from: 0, to: plain.height, by: 37) {
      for x in stride(from: 0, to: plain.width, by: 41) {
        let from = (y * plain.width + x) * 3, to = (x * turned.width + (plain.height - 1 - y)) * 3
        checked += 1
        if a[from..<from + 3].elementsEqual(b[to..<to + 3]) { same += 1 }
      }
    }
    #expect(same == checked, "\(same) of \(checked) pixels where a clockwise turn puts them")
  }
}
