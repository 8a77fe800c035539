import AttFrames
import AttendanceKit
import FaceKit
import FaceVideo
import Foundation
import Logging
import Synchronization

/// Reads frames from a source; reopens a live source that drops, with back-off (1, 2, 4 ... 30 s).
final class FrameStream: @unchecked Sendable {
  let source: FrameSource
  let imageFrameRate: Double
  let stop: StopSignal
  let log: Logger
  private var reader: FrameReader?
  private var index = 0
  private var lastTime = 0.0
  private var timeOffset = 0.0
  /// Wait until each frame's time (since the first) has passed.
  var realTime = false
  private var started: ContinuousClock.Instant?
  var profile: StageProfile?
  /// Analyse at most this many frames a second (`--max-fps`); the others are read and skipped.
  var maxFramesPerSecond: Double?
  private var lastKept: Double?
  /// Counts the frames skipped for `maxFramesPerSecond` (the pipeline's count).
  var skipped = FrameCount()

  init(source: FrameSource, imageFrameRate: Double, stop: StopSignal, log: Logger) {
    self.source = source
    self.imageFrameRate = imageFrameRate
    self.stop = stop
    self.log = log
  }

  /// Opens the source. A network stream that does not open yet (a camera rebooting, a network
  /// not up at boot) is waited for with the same back-off as one that drops, until it opens or the
  /// run is stopped; a file or a local camera that does not open is an error at once.
  func open() throws(FaceKitError) {
    do {
      let opened = try source.open()
      reader = opened
      if opened.rotation != 0 {
        // A phone held upright stores its frames on their side (90 or 270).
        let why = opened.rotation == 180 ? "" : " (a phone's portrait video)"
        log("\(source): its frames are turned \(opened.rotation)° clockwise, as the file says they are shown\(why)")
      }
      if let rate = opened.declaredRateUnlikely {
        log(
          "\(source): declares \(Int(rate)) frames/s, more than any camera records (its timestamps' clock, as a browser's "
            + "WebM does): taken as unknown, so faces are searched for often enough at any real rate")
      }
    } catch {
      guard case .video(let url) = source, url.contains("://") else { throw error }
      _ = reopen(after: error.reason)
    }
  }

  /// The rate the opened video or camera reports (nil for images).
  var framesPerSecond: Double? { reader?.framesPerSecond }

  /// The next frame, nil at the end of a file or when stopped.
  func next() throws -> RawFrame? {
    while !stop.isStopped {
      guard let reader else { return nil }
      guard let frame = profile.time(.decode, { reader.next() }) else {
        if source.isLive, reopen(after: "the stream ended") { continue }
        return nil
      }
      switch frame.image {
      case .success(let image):
        defer { index += 1 }
        let time: Double
        if let t = frame.time {
          // A reopened stream starts its clock again: keep time moving forward.
          if t + timeOffset < lastTime { timeOffset = lastTime - t + 1 / max(imageFrameRate, 1) }
          time = t + timeOffset
        } else {
          time = Double(index) / imageFrameRate
        }
        lastTime = time
        if let maxFramesPerSecond, let lastKept, time - lastKept < 0.98 / maxFramesPerSecond {
          skipped.add()
          continue
        }
        lastKept = time
        if realTime && !source.isLive {
          let start = started ?? ContinuousClock.now.advanced(by: .seconds(-time))
          started = start
          let wait = -start.advanced(by: .seconds(time)).elapsedSeconds
          if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
        return RawFrame(index: index, time: time, image: image)
      case .failure(let error):
        if case .folder = source {
          log("\(frame.origin): skipped: \(error.reason)")
          index += 1
          continue
        }
        if source.isLive, reopen(after: error.reason) { continue }
        throw error
      }
    }
    return nil
  }

  /// Tries to open the source again until it opens or the run is stopped.
  private func reopen(after reason: String) -> Bool {
    var delay = 1.0
    while !stop.isStopped {
      log("\(source): \(reason); reopening in \(Int(delay)) s")
      if stop.sleep(delay) { return false }
      if let reopened = try? source.open() {
        reader = reopened
        log("\(source): reopened")
        return true
      }
      delay = min(delay * 2, 30)
    }
    return false
  }
}
