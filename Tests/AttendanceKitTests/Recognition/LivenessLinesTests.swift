import AttTestSupport
import Foundation
import Testing

@testable import AttRecognition
@testable import FaceKit

/// A site's own lines: set on its live recordings as the defaults were on ../shared, written, read
/// back and checked field by field.
@Suite("A site's liveness lines", .testThreads)
struct LivenessLinesTests {
  @Test(
    "the lines sit where the defaults' margins put them over the site's live figures, and too few tracks or recordings set none")
  func measured() throws {
    // The live figures of ../shared: the defaults (40 and 0.0055) are these margins over them.
    let peaks = [4.7, 8.7, 9.7, 11.7, 14.6, 15.5, 17.0, 19.1, 21.9, 27.7]
    let lows = [0.0086, 0.0108, 0.0124, 0.0125, 0.0127, 0.0139, 0.0154, 0.0330, 0.0521]
    let lines = try LivenessLines.measured(
      moirePeaks: peaks, flattestMotion: lows, recordings: 10, solidLine: 0.02, measuredOn: "/site")
    #expect(lines.screenMoire == 39.9 && lines.flatMotion == 0.0057 && lines.liveTracks == 9)
    // A camera whose live faces show little moire gets a lower screen line: more replays refused.
    let quiet = try LivenessLines.measured(
      moirePeaks: peaks.map { $0 / 3 }, flattestMotion: lows, recordings: 10, solidLine: 0.02, measuredOn: "/site")
    #expect(quiet.screenMoire == 13.3)
    // The flat line never reaches half the solid line, however much the live faces moved.
    let lively = try LivenessLines.measured(
      moirePeaks: peaks, flattestMotion: lows.map { $0 * 10 }, recordings: 10, solidLine: 0.02, measuredOn: "/site")
    #expect(lively.flatMotion == 0.01)
    let few = #expect(throws: LivenessLines.LinesError.self) {
      try LivenessLines.measured(
        moirePeaks: [12, 20], flattestMotion: [0.01], recordings: 2, solidLine: 0.02, measuredOn: "/site")
    }
    #expect(
      few?.description.hasPrefix("/site: 2 live tracks measured the screen's moire and 1 the flattest motion; 8 of each") == true)
    // Both shortfalls are named at once.
    #expect(
      few?.description.contains(", and 2 live recordings measured a track; 5 are needed") == true, "\(String(describing: few))")
    // Enough tracks from too few recordings (three clips, most tracks one clip's bystanders): no line.
    let narrow = #expect(throws: LivenessLines.LinesError.self) {
      try LivenessLines.measured(moirePeaks: peaks, flattestMotion: lows, recordings: 3, solidLine: 0.02, measuredOn: "/site")
    }
    #expect(
      narrow?.description.hasPrefix("/site: 3 live recordings measured a track; 5 are needed") == true,
      "\(String(describing: narrow))")
  }

  @Test("a lines file is written whole and read back; a wrong one names the file and the field")
  func file() throws {
    let folder = try Checkout.scratchFolder("liveness-lines")
    let path = "\(folder)/lines.json"
    let lines = LivenessLines(screenMoire: 30.5, flatMotion: 0.006, measuredOn: "/site", liveTracks: 12)
    try lines.write(to: path)
    #expect(try LivenessLines.load(path) == lines)
    var options = LivenessOptions()
    try lines.apply(to: &options, from: path)
    #expect(options.screenMoire == 30.5 && options.planarResidual == 0.006)
    // Measured on enough live tracks: no warning; written by hand, or on too few: a warning naming the file.
    #expect(lines.warning(for: path) == nil)
    #expect(LivenessLines(screenMoire: 18, flatMotion: 0.006).warning(for: path)?.hasPrefix("\(path) does not say") == true)
    let few = LivenessLines(screenMoire: 18, flatMotion: 0.006, measuredOn: "/site", liveTracks: 3).warning(for: path)
    #expect(few?.hasPrefix("\(path) was measured on 3 live tracks of /site, under the 8 a line needs") == true, "\(few ?? "")")

    func error(_ text: String) -> String? {
      try? text.write(toFile: path, atomically: true, encoding: .utf8)
      return #expect(throws: LivenessLines.LinesError.self) { try LivenessLines.load(path) }?.description
    }
    #expect(error("[1, 2]")?.hasPrefix("\(path): not a JSON object") == true)
    #expect(error("{\"screen_moire\": 30}") == "\(path): 'flat_motion' is missing")
    #expect(error("{\"screen_moire\": 30, \"flat_motion\": 0.6}") == "\(path): 'flat_motion' is 0.6, not from 0.0001 to 0.05")
    #expect(
      error("{\"screen_moire\": 30, \"flat_motion\": \"low\"}")?.hasPrefix("\(path): 'flat_motion' is not of its kind") == true)
    #expect(
      error("{\"screen_moire\": 30, \"flat_motion\": 0.006, \"screen_moir\": 3}")?.hasPrefix(
        "\(path): 'screen_moir' is not a field") == true)
    let missing = #expect(throws: LivenessLines.LinesError.self) { try LivenessLines.load("\(folder)/none.json") }
    #expect(missing?.description.hasPrefix("\(folder)/none.json: cannot read") == true)
    // A flat line at or over the solid line: no motion could be live.
    let crossed = #expect(throws: LivenessLines.LinesError.self) {
      try LivenessLines(screenMoire: 30, flatMotion: 0.03).apply(to: &options, from: path)
    }
    #expect(crossed?.description == "\(path): 'flat_motion' 0.03 must be under the solid line 0.02")
  }
}

@Suite("The screen cue's hold: above every live face measured, short of the line")
struct ScreenHoldTests {
  /// A screen cue fed crops of these moire figures.
  func cue(_ moire: [Double], options: LivenessOptions = LivenessOptions()) -> ScreenCue {
    var cue = ScreenCue(options: options)
    for value in moire { cue.tried(ScreenLook(moire: value, blackLift: 0)) }
    return cue
  }

  @Test(
    "a live face's moire (../shared's peak at 27.7) is not held; one over it waits at most 10 crops, then goes; one that climbs over the line is voted an attack"
  )
  func hold() {
    #expect(LivenessOptions().screenHoldFrom > 27.7 && LivenessOptions().screenHoldFrom < 28)
    let live = cue(Array(repeating: 27, count: 5))
    #expect(!live.isPending && live.vote(at: 1) == nil)
    // In the grey zone: the live verdict waits, and stops waiting after 10 crops (1 s at 0.1 s).
    var grey = cue(Array(repeating: 35, count: 5))
    #expect(grey.isPending && grey.vote(at: 1) == nil)
    for _ in 0..<9 { grey.tried(ScreenLook(moire: 35, blackLift: 0)) }
    #expect(grey.heldLooks == 10 && grey.isPending)
    grey.tried(ScreenLook(moire: 35, blackLift: 0))
    #expect(!grey.isPending && grey.vote(at: 2) == nil, "delayed, never refused")
    // A replay whose moire is still climbing: held until its median passes the line.
    var climbing = cue([30, 32, 34, 36, 38])
    #expect(climbing.isPending)
    for value in [42.0, 44, 46, 48, 50] { climbing.tried(ScreenLook(moire: value, blackLift: 0)) }
    #expect(climbing.vote(at: 1) == false)
    // A site's own line moves the hold with it (its highest live face, the line over its margin).
    var site = LivenessOptions()
    site.screenMoire = 30
    #expect(cue(Array(repeating: 22, count: 5), options: site).isPending)
    #expect(!cue(Array(repeating: 20, count: 5), options: site).isPending)
  }
}
