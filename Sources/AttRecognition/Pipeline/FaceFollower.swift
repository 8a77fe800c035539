import AttendanceKit
import FaceKit
import Foundation

/// att-take's first stage after decoding: searches frames for faces and follows each face as a
/// track. With RetinaFace the whole frame is searched only every few frames, and in between each
/// track is found again in a region around it, scaled so the face is about `followFaceSize` px: on
/// a 1080p frame that is a few milliseconds per face instead of a whole-frame pass. Detectors that
/// cannot look at a region (HOG, MMOD) search every frame and are followed by overlap.
///
/// Deterministic: the same frames in the same order give the same tracks, whatever the threads.
public final class FaceFollower {
  /// A face on this frame and the track it belongs to.
  public struct Sighting: Sendable {
    public let track: Int
    public let face: DetectedFace
  }

  struct Track {
    let id: Int
    var box: FaceBox
    var lastSeen: Double
    /// Pixels per second of the box centre, smoothed.
    var velocity = (x: 0.0, y: 0.0)
    var hits = 1
    var reported = false
  }

  public let options: FollowOptions
  private let detector: any FaceDetector
  private let regional: RetinaFaceDetector?
  private var tracks: [Track] = []
  private var nextID = 1
  /// Frames seen so far: the search runs on every `searchEvery`-th (a frame number would not do
  /// when frames are skipped, `--max-fps`).
  private var updates = 0
  /// Times the search and the regional follow (`att-take --profile`).
  public var profile: StageProfile?

  public init(detector: any FaceDetector, options: FollowOptions) throws(FaceKitError) {
    guard options.searchEvery >= 1 else {
      throw .invalidArgument("the search schedule is not resolved: call FollowOptions.resolved(framesPerSecond:)")
    }
    guard options.confirmFrames >= 1, options.searchSide >= 0, options.minFace >= 0,
      options.followFaceSize >= 16, options.maxGap > 0
    else { throw .invalidArgument("follow options out of range") }
    self.detector = detector
    regional = detector as? RetinaFaceDetector
    // Without a regional detector every frame must be searched.
    var options = options
    if regional == nil { options.searchEvery = 1 }
    self.options = options
  }

  /// The faces of one frame with their track ids (only reported tracks), and the ids of the tracks
  /// that ended before it.
  public func update(_ image: Image, index: Int, time: Double) throws(FaceKitError) -> (
    sightings: [Sighting], ended: [Int]
  ) {
    let ended = tracks.filter { $0.reported && time - $0.lastSeen > options.maxGap }.map(\.id)
    tracks.removeAll { time - $0.lastSeen > options.maxGap }
    var found: [Int: DetectedFace] = [:]
    var searched: [DetectedFace] = []
    defer { updates += 1 }
    if updates % options.searchEvery == 0 {
      searched = try profile.time(.search) { () throws(FaceKitError) in try search(image) }
      for (t, d) in Self.match(tracks.map { predicted($0, at: time) }, searched.map(\.box), minOverlap: 0.3) {
        found[tracks[t].id] = searched[d]
      }
    }
    if let regional {
      for track in tracks where found[track.id] == nil {
        if let face = try profile.time(.follow, { () throws(FaceKitError) in try follow(track, in: image, at: time, with: regional) }) {
          found[track.id] = face
        }
      }
    }
    var sightings: [Sighting] = []
    var lost: Set<Int> = []
    // When two tracks found the same face, the one seen more recently keeps it (ties: the older track):
    // a track lost for a moment must not take over the face another track is following.
    let claimants = tracks.indices.filter { found[tracks[$0].id] != nil }
      .sorted { (tracks[$0].lastSeen, -tracks[$0].id) > (tracks[$1].lastSeen, -tracks[$1].id) }
    var kept: [FaceBox] = []
    for i in claimants {
      let box = found[tracks[i].id]!.box
      if kept.contains(where: { $0.overlap(with: box) > 0.5 }) {
        found[tracks[i].id] = nil
      } else {
        kept.append(box)
      }
    }
    for i in tracks.indices {
      guard let face = found[tracks[i].id] else {
        // A track not yet reported must be found on consecutive frames.
        if !tracks[i].reported { lost.insert(tracks[i].id) }
        continue
      }
      if Double(face.box.width) < Double(options.minFace) * 0.75 {
        lost.insert(tracks[i].id)
        continue
      }
      observe(&tracks[i], face.box, at: time)
      if tracks[i].hits >= options.confirmFrames { tracks[i].reported = true }
      if tracks[i].reported { sightings.append(Sighting(track: tracks[i].id, face: face)) }
    }
    let endedNow = tracks.filter { lost.contains($0.id) && $0.reported }.map(\.id)
    tracks.removeAll { lost.contains($0.id) }
    // New faces: a search detection that no track took, large and sure enough.
    let claimed = Set(found.values.map(\.box))
    for face in searched where !claimed.contains(face.box) {
      guard face.box.width >= options.minFace, Float(face.score) >= options.startScore else { continue }
      guard !tracks.contains(where: { $0.box.overlap(with: face.box) > 0.3 && Self.similarSize($0.box, face.box) }) else {
        continue
      }
      var track = Track(id: nextID, box: face.box, lastSeen: time)
      nextID += 1
      if options.confirmFrames <= 1 || Float(face.score) >= options.sureScore {
        track.reported = true
        sightings.append(Sighting(track: track.id, face: face))
      }
      tracks.append(track)
    }
    return (sightings, ended + endedNow)
  }

  // MARK: steps

  private func search(_ image: Image) throws(FaceKitError) -> [DetectedFace] {
    let longer = max(image.width, image.height)
    if let regional {
      let scale = options.searchSide > 0 && longer > options.searchSide ? Double(options.searchSide) / Double(longer) : 1
      return try regional.detect(
        in: image, region: FaceBox(left: 0, top: 0, right: image.width, bottom: image.height), scale: scale,
        minScore: min(options.startScore, options.followScore))
    }
    return try FaceEngine.detectFaces(in: image, with: detector, maxDetectionSide: options.searchSide)
  }

  /// The face of `track` on this frame: the detection in a region of 2.4 faces around where the
  /// track is expected, nearest to that place.
  private func follow(_ track: Track, in image: Image, at time: Double, with detector: RetinaFaceDetector)
    throws(FaceKitError) -> DetectedFace?
  {
    let expected = predicted(track, at: time)
    let side = Double(max(expected.width, expected.height))
    let centre = (x: Double(expected.left + expected.right) / 2, y: Double(expected.top + expected.bottom) / 2)
    let half = side * 1.2
    let region = FaceBox(
      left: max(Int(centre.x - half), 0), top: max(Int(centre.y - half), 0),
      right: min(Int(centre.x + half), image.width), bottom: min(Int(centre.y + half), image.height))
    guard region.width > 4, region.height > 4 else { return nil }
    let scale = min(max(Double(options.followFaceSize) / side, 0.1), 3)
    let candidates = try detector.detect(in: image, region: region, scale: scale, minScore: options.followScore)
    let plausible = candidates.filter { Self.similarSize($0.box, expected) }
    let best = plausible.map { ($0, $0.box.overlap(with: expected)) }.max { $0.1 < $1.1 }
    guard let best, best.1 >= 0.2 else { return nil }
    return best.0
  }

  private func predicted(_ track: Track, at time: Double) -> FaceBox {
    let dt = min(time - track.lastSeen, 0.5)
    let dx = Int((track.velocity.x * dt).rounded()), dy = Int((track.velocity.y * dt).rounded())
    return FaceBox(
      left: track.box.left + dx, top: track.box.top + dy, right: track.box.right + dx, bottom: track.box.bottom + dy)
  }

  private func observe(_ track: inout Track, _ box: FaceBox, at time: Double) {
    let dt = time - track.lastSeen
    if dt > 0 {
      let vx = Double((box.left + box.right) - (track.box.left + track.box.right)) / 2 / dt
      let vy = Double((box.top + box.bottom) - (track.box.top + track.box.bottom)) / 2 / dt
      track.velocity = track.hits == 1 ? (vx, vy) : (0.5 * track.velocity.x + 0.5 * vx, 0.5 * track.velocity.y + 0.5 * vy)
    }
    track.box = box
    track.lastSeen = time
    track.hits += 1
  }

  /// The same face changes size by a few percent a frame; a face much larger or smaller in the same
  /// place is another one (a cut to a close-up, someone stepping in front or behind).
  static func similarSize(_ a: FaceBox, _ b: FaceBox) -> Bool {
    let ratio = Double(a.width) / Double(max(b.width, 1))
    return ratio > 0.75 && ratio < 1.33
  }

  /// Greedy one-to-one pairs of boxes of similar size by overlap, best first: (index in `a`, index in `b`).
  static func match(_ a: [FaceBox], _ b: [FaceBox], minOverlap: Double) -> [(Int, Int)] {
    var pairs: [(overlap: Double, a: Int, b: Int)] = []
    for (i, x) in a.enumerated() {
      for (j, y) in b.enumerated() {
        let overlap = x.overlap(with: y)
        if overlap >= minOverlap, similarSize(x, y) { pairs.append((overlap, i, j)) }
      }
    }
    pairs.sort { ($0.overlap, -$0.a, -$0.b) > ($1.overlap, -$1.a, -$1.b) }
    var usedA = Set<Int>(), usedB = Set<Int>(), result: [(Int, Int)] = []
    for pair in pairs where !usedA.contains(pair.a) && !usedB.contains(pair.b) {
      usedA.insert(pair.a)
      usedB.insert(pair.b)
      result.append((pair.a, pair.b))
    }
    return result
  }
}
