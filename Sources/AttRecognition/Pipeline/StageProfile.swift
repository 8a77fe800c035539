import Foundation
import Synchronization

/// Where att-take's time goes (`att-take --profile`, and `make bench`): each stage's wall time and
/// calls, per frame and per face. Stage 1 (decode, search, follow) runs on the producer thread and
/// stage 2 (the rest) on the caller's, so with two threads the stages overlap and their sum exceeds
/// the run's time; the busier stage sets the frame rate.
public final class StageProfile: Sendable {
  public enum Stage: String, CaseIterable, Sendable {
    /// Reading and decoding a frame.
    case decode
    /// The whole-frame search for new faces (every few frames).
    case search
    /// Each track's regional detection between searches.
    case follow
    /// dlib's 5 points of each face (alignment for the descriptor, the turn).
    case landmarks5 = "landmarks-5"
    /// dlib's 68 points of each face liveness looks at.
    case landmarks68 = "landmarks-68"
    /// The liveness cues on those points and pixels.
    case liveness
    /// The device cue's object detector around a face (a few looks a second per track waiting).
    case device
    /// The 128-d descriptor of a face due an identification.
    case descriptor
    /// The nearest match in the gallery.
    case match
    /// Faces that need nothing: of a track marked (or refused), or of one found to be nobody
    /// enrolled between its tries.
    case skipped
  }

  public struct Figures: Sendable, Equatable {
    public var seconds = 0.0
    public var calls = 0
  }

  private let table = Mutex<[Stage: Figures]>([:])
  private let counts = Mutex<(frames: Int, faces: Int)>((0, 0))

  public init() {}

  /// Runs `body`, adding its wall time to `stage`.
  @inline(__always)
  public func time<T, E: Error>(_ stage: Stage, _ body: () throws(E) -> T) throws(E) -> T {
    let start = DispatchTime.now().uptimeNanoseconds
    defer {
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      table.withLock {
        $0[stage, default: Figures()].seconds += seconds
        $0[stage, default: Figures()].calls += 1
      }
    }
    return try body()
  }

  /// Counts a call that took no time worth measuring (a skipped face).
  public func count(_ stage: Stage) {
    table.withLock { $0[stage, default: Figures()].calls += 1 }
  }

  /// A frame stage 2 saw, with its faces.
  public func frame(faces: Int) {
    counts.withLock {
      $0.frames += 1
      $0.faces += faces
    }
  }

  public subscript(stage: Stage) -> Figures { table.withLock { $0[stage] ?? Figures() } }
  public var frames: Int { counts.withLock { $0.frames } }
  public var faces: Int { counts.withLock { $0.faces } }

  /// The table for people: each stage's total, per frame and per face, and its calls.
  public var lines: [String] {
    let frames = max(self.frames, 1)
    let faces = max(self.faces, 1)
    var lines = [
      // Per analysed frame: with --max-fps, decode counts the skipped frames' decoding too (it is
      // what each analysed frame costs).
      "profile: \(self.frames) frames analysed, \(self.faces) faces; columns: ms in all, per analysed frame, per face, calls",
    ]
    for stage in Stage.allCases {
      let f = self[stage]
      guard f.calls > 0 else { continue }
      lines.append(
        "  " + stage.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)
          + String(
            format: "%9.1f %8.2f %8.2f %7d", f.seconds * 1000, f.seconds * 1000 / Double(frames), f.seconds * 1000 / Double(faces),
            f.calls))
    }
    return lines
  }

  /// The same as one JSON object: {"frames":..,"faces":..,"stages":{"search":{"ms":..,"calls":..},..}}.
  public var json: [String: Any] {
    var stages: [String: Any] = [:]
    for stage in Stage.allCases {
      let f = self[stage]
      guard f.calls > 0 else { continue }
      stages[stage.rawValue] = ["ms": (f.seconds * 1e4).rounded() / 10, "calls": f.calls]
    }
    return ["frames": frames, "faces": faces, "stages": stages]
  }
}

extension Optional where Wrapped == StageProfile {
  /// Runs `body`, timed when there is a profile.
  @inline(__always)
  public func time<T, E: Error>(_ stage: StageProfile.Stage, _ body: () throws(E) -> T) throws(E) -> T {
    guard let profile = self else { return try body() }
    return try profile.time(stage, body)
  }
}
