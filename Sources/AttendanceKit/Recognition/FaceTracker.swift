import FaceKit
import Foundation

/// Follows faces from frame to frame by overlap: each detection joins the track whose last box it
/// overlaps most (intersection over union at least `minOverlap`), greedily from the best pair; the
/// rest start new tracks. A track not seen for `maxGap` seconds ends.
public struct FaceTracker: Sendable {
  public var minOverlap = 0.3
  public var maxGap = 1.0

  /// A track's position as the tracker knows it.
  public struct Track: Sendable, Equatable {
    public let id: Int
    public var box: FaceBox
    public var lastSeen: Double
  }

  public private(set) var tracks: [Track] = []
  private var nextID = 1

  public init() {}

  /// Assigns `boxes` (one frame's detections) to tracks. Returns the track id of each box, in order,
  /// and the ids of tracks that ended (unseen for longer than `maxGap`).
  public mutating func update(_ boxes: [FaceBox], at time: Double) -> (ids: [Int], ended: [Int]) {
    // Tracks unseen for too long end first, so that a face returning later starts a new track.
    let ended = tracks.filter { time - $0.lastSeen > maxGap }.map(\.id)
    tracks.removeAll { time - $0.lastSeen > maxGap }
    var pairs: [(overlap: Double, track: Int, box: Int)] = []
    for (t, track) in tracks.enumerated() {
      for (b, box) in boxes.enumerated() {
        let overlap = Self.iou(track.box, box)
        if overlap >= minOverlap { pairs.append((overlap, t, b)) }
      }
    }
    pairs.sort { ($0.overlap, -$0.track, -$0.box) > ($1.overlap, -$1.track, -$1.box) }
    var ids = [Int](repeating: 0, count: boxes.count)
    var usedTracks = Set<Int>()
    var usedBoxes = Set<Int>()
    for pair in pairs where !usedTracks.contains(pair.track) && !usedBoxes.contains(pair.box) {
      usedTracks.insert(pair.track)
      usedBoxes.insert(pair.box)
      tracks[pair.track].box = boxes[pair.box]
      tracks[pair.track].lastSeen = time
      ids[pair.box] = tracks[pair.track].id
    }
    for (b, box) in boxes.enumerated() where !usedBoxes.contains(b) {
      tracks.append(Track(id: nextID, box: box, lastSeen: time))
      ids[b] = nextID
      nextID += 1
    }
    return (ids, ended)
  }

  /// Ends every track (end of the source).
  public mutating func finish() -> [Int] {
    defer { tracks.removeAll() }
    return tracks.map(\.id)
  }

  static func iou(_ a: FaceBox, _ b: FaceBox) -> Double {
    let w = min(a.right, b.right) - max(a.left, b.left)
    let h = min(a.bottom, b.bottom) - max(a.top, b.top)
    guard w > 0, h > 0 else { return 0 }
    let inter = Double(w * h)
    return inter / (Double(a.area) + Double(b.area) - inter)
  }
}
