import AttFrames
import AttendanceKit
import FaceKit
import FaceVideo
import Foundation
import Logging
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
  public var log = Logger(label: "att.pipeline")
  /// Delivers a video file's frames at its own frame rate, as a camera would (and drops those stage 1
  /// cannot keep up with): a recorded clip rehearses a live site. Files are otherwise read as fast as
  /// they decode.
  public var realTime = false
  /// Frames dropped so far (a live source whose frames came faster than stage 1 took them): read
  /// while the run goes on, for the camera's status.
  public let dropped = FrameCount()
  /// Where the time goes, stage by stage (`att-take --profile`); nil measures nothing.
  public var profile: StageProfile?
  /// Analyse at most this many frames a second of the source (`--max-fps`): the others are read
  /// and skipped, so that several cameras share a host's cores evenly. nil: as many as stage 1 takes.
  public var maxFramesPerSecond: Double?
  /// Frames skipped for `maxFramesPerSecond` so far.
  public let skipped = FrameCount()
  /// The threads OpenCV's parallel loops (RetinaFace) may use, set when the run starts; nil leaves
  /// OpenCV's default (every core).
  public var openCVThreads: Int?

  public init(source: FrameSource, options: TakeOptions) {
    self.source = source
    self.options = options
  }

  /// Runs until the source ends (files) or `stop` is set. `handle` is stage 2, called on the calling
  /// thread for each frame in order. Returns the number of frames dropped.
  public func run(
    models: ModelSet, stop: StopSignal, handle: (DetectedFrame) throws -> Void
  ) throws -> Int {
    if let openCVThreads { NativeThreads.setOpenCV(openCVThreads) }
    let reader = FrameStream(source: source, imageFrameRate: imageFrameRate, stop: stop, log: log)
    reader.realTime = realTime
    reader.profile = profile
    reader.maxFramesPerSecond = maxFramesPerSecond
    reader.skipped = skipped
    try reader.open()
    let rate = min(reader.framesPerSecond ?? imageFrameRate, maxFramesPerSecond ?? .infinity)
    let detection = try DetectionStage(models: models, options: options, framesPerSecond: rate, profile: profile)
    if threads <= 1 {
      while !stop.isStopped, let raw = try reader.next() { try handle(try detection.detect(raw)) }
      return 0
    }
    let queue = FrameQueue(capacity: queueDepth)
    let live = source.isLive || realTime
    let failure = Mutex<(any Error)?>(nil)
    let dropped = self.dropped
    OwnThread.start(name: "att frames", stackSize: 8 << 20) {
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
  public func add(_ count: Int = 1) { value.add(count, ordering: .relaxed) }
  public var count: Int { value.load(ordering: .relaxed) }
}

/// A decoded frame before detection.
struct RawFrame {
  let index: Int
  let time: Double
  let image: Image
}
