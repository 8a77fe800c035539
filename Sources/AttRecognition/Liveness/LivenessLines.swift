import Foundation

/// A site's own attack lines, set on its own live recordings: `att-liveness eval-video --real DIR
/// --write-lines FILE` measures them, `att-take --liveness-lines FILE` uses them.
///
/// The defaults are set on the live clips of ../shared, whatever camera they came from; a site's
/// camera, lens and light put its live faces elsewhere. Each line is set as the defaults are: the
/// screen line over the highest running median moire of any live track (`screenMargin` over it), the
/// flat-motion line under the flattest live motion (`flatMargin` under it). So a camera whose live
/// faces show little moire gets a lower screen line, and refuses more replays, without refusing any
/// live face it was measured on.
public struct LivenessLines: Codable, Sendable, Equatable {
  /// The screen cue's line: a track whose median moire is over it is an attack (`screenMoire`).
  public var screenMoire: Double
  /// The motion cue's flat line, a fraction of the eye distance (`planarResidual`).
  public var flatMotion: Double
  /// What they were measured on, for people: the recordings folder and its live tracks.
  public var measuredOn: String?
  public var liveTracks: Int?

  enum CodingKeys: String, CodingKey, CaseIterable {
    case screenMoire = "screen_moire"
    case flatMotion = "flat_motion"
    case measuredOn = "measured_on"
    case liveTracks = "live_tracks"
  }

  /// The margins of the defaults: 40 is the highest live moire of ../shared (27.7) times 1.44, and
  /// 0.0055 its flattest live motion (0.0086) over 1.5.
  public static let screenMargin = 1.44
  public static let flatMargin = 1.5
  /// Fewer live tracks than this with a figure say too little to set a line from.
  public static let minLiveTracks = 8
  /// ...and fewer live recordings than this with a measured track: a line is the highest (or lowest)
  /// figure seen times a margin, so it is only as good as the spread of people, light and distance
  /// it saw. Three office clips of ../shared (9 tracks, 8 of them one clip's bystanders) set a screen
  /// line of 27.6, which refused a fourth office clip's live person (27.7) as a screen.
  public static let minRecordings = 5
  /// The range a line may take: wider than any camera measured, narrow enough to catch a typo.
  static let screenRange = 1.0...1000.0
  static let flatRange = 0.0001...0.05

  public init(screenMoire: Double, flatMotion: Double, measuredOn: String? = nil, liveTracks: Int? = nil) {
    self.screenMoire = screenMoire
    self.flatMotion = flatMotion
    self.measuredOn = measuredOn
    self.liveTracks = liveTracks
  }

  public struct LinesError: Error, CustomStringConvertible, Equatable {
    public let description: String
  }

  /// The lines from the live tracks' figures: each track's highest running median moire
  /// (`screen_moire_peak`) and lowest running median residual (`planar_residual_low`). Throws when
  /// fewer than `minLiveTracks` tracks measured either, or fewer than `minRecordings` of the live
  /// recordings had a measured track, naming how many did.
  public static func measured(
    moirePeaks: [Double], flattestMotion: [Double], recordings: Int, solidLine: Double, measuredOn: String
  ) throws(LinesError) -> LivenessLines {
    // Every shortfall at once, so that one more round of recording is enough.
    var short: [String] = []
    if moirePeaks.count < minLiveTracks || flattestMotion.count < minLiveTracks {
      short.append(
        "\(moirePeaks.count) live tracks measured the screen's moire and \(flattestMotion.count) the flattest motion; "
          + "\(minLiveTracks) of each are needed")
    }
    if recordings < minRecordings {
      short.append(
        "\(recordings) live recording\(recordings == 1 ? "" : "s") measured a track; \(minRecordings) are needed")
    }
    guard short.isEmpty else {
      throw LinesError(
        description: "\(measuredOn): \(short.joined(separator: ", and ")) to set a line (a line is the highest live figure "
          + "seen times a margin: record more people in live/, on different days and in the site's light, each for a few "
          + "seconds, turning and talking as they do)")
    }
    let screen = (moirePeaks.max()! * screenMargin * 10).rounded(.up) / 10
    // The flat line stays under half the solid line, so no motion is both flat and solid.
    let flat = min((flattestMotion.min()! / flatMargin * 10_000).rounded(.down) / 10_000, solidLine / 2)
    return LivenessLines(
      screenMoire: min(max(screen, screenRange.lowerBound), screenRange.upperBound),
      flatMotion: min(max(flat, flatRange.lowerBound), flatRange.upperBound),
      measuredOn: measuredOn, liveTracks: min(moirePeaks.count, flattestMotion.count))
  }

  /// Reads and checks a lines file: JSON with `screen_moire` and `flat_motion` (and, for people,
  /// `measured_on` and `live_tracks`). Every error names the file, and the field when one is wrong.
  public static func load(_ path: String) throws(LinesError) -> LivenessLines {
    guard FileManager.default.fileExists(atPath: path) else {
      throw LinesError(
        description: "\(path): cannot read: no such file (att-liveness eval-video --real DIR --write-lines \(path) makes one)")
    }
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw LinesError(description: "\(path): cannot read: \((error as NSError).localizedDescription)")
    }
    guard let object = try? JSONSerialization.jsonObject(with: data), let fields = object as? [String: Any] else {
      throw LinesError(
        description: "\(path): not a JSON object (write one with att-liveness eval-video --real DIR --write-lines \(path))")
    }
    let known = Set(CodingKeys.allCases.map(\.rawValue))
    if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
      throw LinesError(description: "\(path): '\(unknown)' is not a field (screen_moire, flat_motion, measured_on, live_tracks)")
    }
    struct Raw: Decodable {
      let screenMoire: Double?, flatMotion: Double?, measuredOn: String?, liveTracks: Int?
      typealias CodingKeys = LivenessLines.CodingKeys
    }
    let raw: Raw
    do { raw = try JSONDecoder().decode(Raw.self, from: data) } catch {
      var field = "a field"
      if case .typeMismatch(_, let context) = error as? DecodingError, let key = context.codingPath.last {
        field = "'\(key.stringValue)'"
      }
      throw LinesError(
        description: "\(path): \(field) is not of its kind (numbers for the lines and live_tracks, text for measured_on)")
    }
    func check(_ value: Double?, _ key: CodingKeys, _ range: ClosedRange<Double>) throws(LinesError) -> Double {
      guard let value else { throw LinesError(description: "\(path): '\(key.rawValue)' is missing") }
      guard range.contains(value) else {
        throw LinesError(
          description: "\(path): '\(key.rawValue)' is \(value), not from \(range.lowerBound) to \(range.upperBound)")
      }
      return value
    }
    return LivenessLines(
      screenMoire: try check(raw.screenMoire, .screenMoire, screenRange),
      flatMotion: try check(raw.flatMotion, .flatMotion, flatRange), measuredOn: raw.measuredOn, liveTracks: raw.liveTracks)
  }

  /// Writes the lines as JSON to `path`, through a file beside it renamed over it (never half-written).
  public func write(to path: String) throws(LinesError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
      let data = try encoder.encode(self) + Data("\n".utf8)
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw LinesError(description: "\(path): cannot write: \((error as NSError).localizedDescription)")
    }
  }

  /// Puts the lines in `options`. Throws when the flat line is not under the solid line (a motion
  /// cannot be both).
  public func apply(to options: inout LivenessOptions, from path: String) throws(LinesError) {
    guard flatMotion < options.solidResidual else {
      throw LinesError(
        description: "\(path): 'flat_motion' \(flatMotion) must be under the solid line \(options.solidResidual)")
    }
    options.screenMoire = screenMoire
    options.planarResidual = flatMotion
  }

  /// Reads the lines file at `path` and puts its lines in `options` (`load`, then `apply`).
  @discardableResult
  public static func apply(file path: String, to options: inout LivenessOptions) throws(LinesError) -> LivenessLines {
    let lines = try load(path)
    try lines.apply(to: &options, from: path)
    return lines
  }

  /// A warning for people when the file does not say it was measured on enough live tracks (written
  /// by hand, or edited): such lines were never checked against this site's live faces, and a screen
  /// line under their moire holds or refuses live people. Nil for a file `--write-lines` made.
  public func warning(for path: String) -> String? {
    guard let liveTracks, let measuredOn else {
      return "\(path) does not say what its lines were measured on (no measured_on and live_tracks): they were not "
        + "checked against this site's live faces, and a screen line under their moire holds or refuses live people; "
        + "att-liveness eval-video --real DIR --write-lines \(path) measures them"
    }
    guard liveTracks >= Self.minLiveTracks else {
      return "\(path) was measured on \(liveTracks) live track\(liveTracks == 1 ? "" : "s") of \(measuredOn), under the "
        + "\(Self.minLiveTracks) a line needs: it may hold or refuse live people it did not see"
    }
    return nil
  }

  /// A warning for people when the screen line is under the default's: it refuses more replays, but
  /// also, for good, any live face over it that the recordings did not show (other people, light,
  /// distance). The default is set over every live face of ../shared; one reached 27.7. Nil otherwise.
  public func belowDefault(_ defaults: LivenessOptions) -> String? {
    guard screenMoire < defaults.screenMoire else { return nil }
    return String(
      format:
        "the screen line %.1f is under the default %.1f (set over every live face of ../shared, one of which reached 27.7): "
        + "a live face over it is refused as a screen for good. Check it on recordings made on other days, of other "
        + "people, before using it (eval-video --real DIR2 --liveness-lines FILE shows who it refuses)", screenMoire,
      defaults.screenMoire)
  }

  /// One line for people: "screen line 40.0, flat motion line 0.0055 (26 live tracks of /site)".
  public var summary: String {
    var text = String(format: "screen line %.1f, flat motion line %.4f", screenMoire, flatMotion)
    if let liveTracks, let measuredOn { text += " (\(liveTracks) live tracks of \(measuredOn))" }
    return text
  }
}
