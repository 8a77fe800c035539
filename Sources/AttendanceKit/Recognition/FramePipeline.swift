import FaceKit
import Foundation
import Synchronization


/// att-take's two stages: (1) read and decode a frame, find its faces and follow them as tracks
/// (`FaceFollower`), (2) identify,
/// check liveness and decide. With two threads the stages overlap (stage 1 runs ahead by a few
/// frames); stage 2 always sees every frame stage 1 produced, in order, so the decisions are the
/// same as with one thread. From a live source, frames that arrive while stage 1's queue is full are
/// dropped (and counted) rather than let the run fall behind the camera; from a file none is.
public struct FramePipeline {
  public let source: FrameSource
  public let options: TakeOptions
  public var threads = 2
  /// The frame rate given to a folder of images (each image a frame).
  public var imageFrameRate = 10.0
  /// Frames stage 1 may run ahead of stage 2.
  public var queueDepth = 4
  /// Called with a line for the operator (a stream reopening, a skipped image).
  public var log: @Sendable (String) -> Void = { _ in }
  /// Delivers a video file's frames at its own frame rate, as a camera would (and drops those stage 1
  /// cannot keep up with): a recorded clip rehearses a live site. Files are otherwise read as fast as
  /// they decode.
  public var realTime = false
  /// Frames dropped so far (a live source whose frames came faster than stage 1 took them): read
  /// while the run goes on, for the camera's status.
  public let dropped = FrameCount()

  public init(source: FrameSource, options: TakeOptions) {
    self.source = source
    self.options = options
  }

  /// Runs until the source ends (files) or `stop` is set. `handle` is stage 2, called on the calling
  /// thread for each frame in order. Returns the number of frames dropped.
  public func run(
    models: ModelSet, stop: StopSignal, handle: (DetectedFrame) throws -> Void
  ) throws -> Int {
    let reader = FrameStream(source: source, imageFrameRate: imageFrameRate, stop: stop, log: log)
    reader.realTime = realTime
    try reader.open()
    let detection = try DetectionStage(
      models: models, options: options, framesPerSecond: reader.framesPerSecond ?? imageFrameRate)
    if threads <= 1 {
      while !stop.isStopped, let raw = try reader.next() { try handle(try detection.detect(raw)) }
      return 0
    }
    let queue = FrameQueue(capacity: queueDepth)
    let live = source.isLive || realTime
    let failure = Mutex<(any Error)?>(nil)
    let dropped = self.dropped
    let producer = Thread {
      do {
        while !stop.isStopped, let raw = try reader.next() {
          if live && queue.isFull {
            dropped.add()
            continue
          }
          queue.put(try detection.detect(raw))
        }
      } catch {
        failure.withLock { $0 = error }
      }
      queue.close()
    }
    producer.stackSize = 8 << 20
    producer.start()
    do {
      while let frame = queue.take() { try handle(frame) }
    } catch {
      stop.stop()
      queue.drain()
      throw error
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return dropped.count
  }
}

/// A count other threads may read while one adds to it.
public final class FrameCount: Sendable {
  private let value = Atomic<Int>(0)
  public init() {}
  public func add() { value.add(1, ordering: .relaxed) }
  public var count: Int { value.load(ordering: .relaxed) }
}

/// Stage 1's detector and follower, used by the producer thread alone once the run starts.
final class DetectionStage: @unchecked Sendable {
  let follower: FaceFollower

  init(models: ModelSet, options: TakeOptions, framesPerSecond: Double) throws(FaceKitError) {
    follower = try FaceFollower(
      detector: try options.detector.makeDetector(models: models, upsample: options.upsample),
      options: options.follow.resolved(framesPerSecond: framesPerSecond))
  }

  func detect(_ raw: RawFrame) throws(FaceKitError) -> DetectedFrame {
    let (sightings, ended) = try follower.update(raw.image, index: raw.index, time: raw.time)
    return DetectedFrame(
      index: raw.index, time: raw.time, image: raw.image, faces: sightings.map(\.face), tracks: sightings.map(\.track),
      endedTracks: ended)
  }
}

/// A decoded frame before detection.
struct RawFrame {
  let index: Int
  let time: Double
  let image: Image
}

/// Reads frames from a source; reopens a live source that drops, with back-off (1, 2, 4 ... 30 s).
final class FrameStream: @unchecked Sendable {
  let source: FrameSource
  let imageFrameRate: Double
  let stop: StopSignal
  let log: @Sendable (String) -> Void
  private var reader: FrameReader?
  private var index = 0
  private var lastTime = 0.0
  private var timeOffset = 0.0
  /// Wait until each frame's time (since the first) has passed.
  var realTime = false
  private var started: Date?

  init(source: FrameSource, imageFrameRate: Double, stop: StopSignal, log: @escaping @Sendable (String) -> Void) {
    self.source = source
    self.imageFrameRate = imageFrameRate
    self.stop = stop
    self.log = log
  }

  func open() throws(FaceKitError) {
    reader = try source.open()
  }

  /// The rate the opened video or camera reports (nil for images).
  var framesPerSecond: Double? { reader?.framesPerSecond }

  /// The next frame, nil at the end of a file or when stopped.
  func next() throws -> RawFrame? {
    while !stop.isStopped {
      guard let reader else { return nil }
      guard let frame = reader.next() else {
        if source.isLive, try reopen(after: "the stream ended") { continue }
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
        if realTime && !source.isLive {
          let start = started ?? Date(timeIntervalSinceNow: -time)
          started = start
          let wait = start.addingTimeInterval(time).timeIntervalSinceNow
          if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
        return RawFrame(index: index, time: time, image: image)
      case .failure(let error):
        if case .folder = source {
          log("\(frame.origin): skipped: \(error.reason)")
          index += 1
          continue
        }
        if source.isLive, try reopen(after: error.reason) { continue }
        throw error
      }
    }
    return nil
  }

  /// Tries to open the source again until it opens or the run is stopped.
  private func reopen(after reason: String) throws -> Bool {
    var delay = 1.0
    while !stop.isStopped {
      log("\(source): \(reason); reopening in \(Int(delay)) s")
      let until = Date(timeIntervalSinceNow: delay)
      while Date() < until && !stop.isStopped { Thread.sleep(forTimeInterval: 0.1) }
      if stop.isStopped { return false }
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

/// A bounded first-in first-out queue between the two stages.
final class FrameQueue: @unchecked Sendable {
  private let condition = NSCondition()
  private var items: [DetectedFrame] = []
  private var closed = false
  let capacity: Int

  init(capacity: Int) {
    self.capacity = capacity
  }

  var isFull: Bool { condition.withLock { items.count >= capacity } }

  func put(_ frame: DetectedFrame) {
    condition.lock()
    defer { condition.unlock() }
    while items.count >= capacity && !closed { condition.wait() }
    guard !closed else { return }
    items.append(frame)
    condition.broadcast()
  }

  func take() -> DetectedFrame? {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty && !closed { condition.wait() }
    guard !items.isEmpty else { return nil }
    let frame = items.removeFirst()
    condition.broadcast()
    return frame
  }

  func close() {
    condition.withLock {
      closed = true
      condition.broadcast()
    }
  }

  /// Unblocks a producer after the consumer failed.
  func drain() {
    close()
    condition.withLock { items.removeAll() }
  }
}
