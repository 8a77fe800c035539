import AttTestSupport
import FaceKit
import FaceVideo
import Foundation
import Testing

@Suite("Image decoding", .testThreads)
struct ImageTests {
  @Test(
    "common formats and pixel layouts decode to RGB of the right size",
    arguments: [
      ("format_bmp.bmp", 512, 600), ("format_webp.webp", 512, 600), ("grayscale.jpg", 512, 600),
      ("gray_16bit.png", 512, 512), ("rgba_alpha.png", 512, 512), ("png_with_jpg_extension.jpg", 512, 600),
      ("huge_8000x6000.jpg", 8000, 6000), ("one_pixel_1x1.png", 1, 1),
    ])
  func decodes(name: String, width: Int, height: Int) throws {
    let image = try Image(contentsOfFile: Fixtures.badInput(name))
    #expect(image.width == width)
    #expect(image.height == height)
    #expect(image.rgbBytes().count == width * height * 3)
  }

  @Test("a grayscale JPEG becomes RGB with equal channels")
  func grayscaleExpands() throws {
    let bytes = try Image(contentsOfFile: Fixtures.badInput("grayscale.jpg")).rgbBytes()
    for pixel in stride(from: 0, to: bytes.count, by: 3 * 997) {
      #expect(bytes[pixel] == bytes[pixel + 1] && bytes[pixel + 1] == bytes[pixel + 2])
    }
  }

  @Test("the EXIF orientation is applied: orientation 6 turns a landscape JPEG upright")
  func exifOrientation() throws {
    let plain = try Data(contentsOf: URL(fileURLWithPath: Fixtures.testImage("obama.jpg")))
    let upright = try Image(data: plain, source: "obama.jpg")
    let rotated = try Image(data: JPEGWithOrientation.insert(6, into: plain), source: "obama-rotated.jpg")
    #expect(rotated.width == upright.height)
    #expect(rotated.height == upright.width)
  }

  @Test(
    "files that are not images are refused with a specific error naming the file",
    arguments: [
      ("zero_bytes.jpg", "empty"), ("text_file.jpg", "unsupported_format"), ("animated.gif", "unsupported_format"),
      ("truncated_half.jpg", "truncated"), ("MANIFEST.tsv", "unsupported_format"),
      // Every viewer shows it as nothing, though the colours behind its alpha hold a face.
      ("rgba_fully_transparent.png", "transparent"),
    ])
  func refuses(name: String, code: String) throws {
    let path = Fixtures.badInput(name)
    let error = #expect(throws: FaceKitError.self) { try Image(contentsOfFile: path) }
    #expect(error?.code == code)
    #expect(error?.description.hasPrefix(path) == true)
  }

  @Test("a missing file, a folder and a corrupt PNG each get their own error")
  func pathErrors() throws {
    #expect(throws: FaceKitError.fileNotFound(path: "/nonexistent/x.jpg")) { try Image(contentsOfFile: "/nonexistent/x.jpg") }
    let folder = Fixtures.shared
    #expect(throws: FaceKitError.fileUnreadable(path: folder, reason: "is a directory")) { try Image(contentsOfFile: folder) }
    var png = try Data(contentsOf: URL(fileURLWithPath: Fixtures.badInput("rgba_alpha.png")))
    png = png.prefix(4000)
    let error = #expect(throws: FaceKitError.self) { try Image(data: png, source: "cut.png") }
    #expect(error?.code == "corrupt")
  }

  @Test("the pixel limit refuses large images before decoding them, with their size")
  func pixelLimit() throws {
    let path = Fixtures.badInput("huge_8000x6000.jpg")
    #expect(throws: FaceKitError.tooLarge(path: path, width: 8000, height: 6000, limit: 10_000_000)) {
      try Image(contentsOfFile: path, limits: ImageLimits(maxPixels: 10_000_000))
    }
  }

  @Test("JPEG encoding round-trips through the decoder")
  func jpegRoundTrip() throws {
    let image = try Image(contentsOfFile: Fixtures.testImage("biden.jpg"))
    let again = try Image(data: try image.jpegData(quality: 90), source: "re-encoded")
    #expect(again.width == image.width && again.height == image.height)
  }

  @Test("an annotated copy has the box drawn in its colour, and the original is unchanged")
  func annotatedCopy() throws {
    let grey = [UInt8](repeating: 128, count: 64 * 48 * 3)
    let image = try grey.withUnsafeBytes {
      try Image(pixels: $0, width: 64, height: 48, bytesPerRow: 64 * 3, bgr: false, source: "grey")
    }
    let box = FaceBox(left: 10, top: 10, right: 40, bottom: 30)
    let drawn = try image.annotated([FrameAnnotation(box: box, colour: (red: 255, green: 0, blue: 0), label: "")])
    #expect(drawn.width == 64 && drawn.height == 48)
    let pixels = drawn.rgbBytes()
    func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(pixels[(y * 64 + x) * 3..<(y * 64 + x) * 3 + 3]) }
    #expect(pixel(25, 10) == [255, 0, 0])  // on the top edge
    #expect(pixel(25, 20) == [128, 128, 128])  // inside the box
    #expect(pixel(2, 2) == [128, 128, 128])  // outside it
    #expect(image.rgbBytes() == grey)
  }
}

/// Builds a JPEG with an EXIF APP1 segment carrying an orientation tag, as a phone camera writes it.
enum JPEGWithOrientation {
  static func insert(_ orientation: UInt8, into jpeg: Data) -> Data {
    // TIFF header (little endian), one IFD with one entry: tag 0x0112 (Orientation), SHORT, count 1.
    let tiff: [UInt8] = [
      0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00,
      0x01, 0x00,
      0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, orientation, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00,
    ]
    let payload: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
    let length = payload.count + 2
    let segment: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    var out = Data(jpeg.prefix(2))
    out.append(contentsOf: segment)
    out.append(jpeg.dropFirst(2))
    return out
  }
}

@Suite("Image bombs", .testThreads)
struct ImageBombTests {
  @Test(
    "a TIFF, a PNG and a WebP that declare huge images are refused from their headers, in under a second",
    arguments: ["tiff", "png", "webp"])
  func refusedFromHeader(format: String) throws {
    let data = format == "tiff" ? ImageBombs.tiff() : format == "png" ? ImageBombs.png() : ImageBombs.webp()
    #expect(data.count < 1_000_000)
    let start = ContinuousClock.now
    let error = #expect(throws: FaceKitError.self) { try Image(data: data, source: "bomb.\(format)") }
    #expect((ContinuousClock.now - start) < .seconds(1))
    guard case .tooLarge(_, let width, let height, _) = error else {
      Issue.record("not refused as too large: \(String(describing: error))")
      return
    }
    #expect(width > 10_000 && height > 10_000, "the size comes from the header: \(width)x\(height)")
  }

  @Test("a TIFF whose size the header does not give is refused, not decoded blind")
  func tiffWithoutSize() throws {
    var data = ImageBombs.tiff(side: 64)
    data[8] = 0  // no entries in the first directory
    data[9] = 0
    let error = #expect(throws: FaceKitError.self) { try Image(data: data, source: "nosize.tif") }
    #expect(error?.code == "unsupported_format")
  }

  @Test("a small TIFF made the same way still decodes (the header reader reads real files)")
  func smallTIFF() throws {
    let image = try Image(data: ImageBombs.tiff(side: 40), source: "small.tif")
    #expect(image.width == 40 && image.height == 40)
  }
}

@Suite("Image files that are not files", .testThreads)
struct ImageSpecialFileTests {
  @Test("a FIFO and a symbolic-link loop given as images are refused with their own reasons, at once")
  func fifoAndLoop() throws {
    let folder = try Checkout.scratchFolder("special-files")
    let fifo = "\(folder)/camera.jpg"
    #expect(mkfifo(fifo, 0o600) == 0)
    let fifoError = #expect(throws: FaceKitError.self) { try Image(contentsOfFile: fifo) }
    #expect(fifoError == .fileUnreadable(path: fifo, reason: "is not a regular file (a FIFO, a device or a socket)"))
    #expect(symlink("\(folder)/b.jpg", "\(folder)/a.jpg") == 0 && symlink("\(folder)/a.jpg", "\(folder)/b.jpg") == 0)
    let loopError = #expect(throws: FaceKitError.self) { try Image(contentsOfFile: "\(folder)/a.jpg") }
    #expect(
      loopError == .fileUnreadable(path: "\(folder)/a.jpg", reason: "is a symbolic link that leads nowhere (broken, or a loop)"))
  }
}
