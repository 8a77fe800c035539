import AttendanceKit
import FaceKit
import FaceVideo
import Foundation

/// Hands out the frames of an open source one at a time.
public final class FrameReader {
  private let video: VideoSource?
  private let label: String
  private let live: Bool
  private let started = ContinuousClock.now
  private var files: IndexingIterator<[String]>
  private var ended = false
  private let limits: ImageLimits

  init(video: VideoSource, label: String, live: Bool) {
    self.video = video
    self.label = label
    self.live = live
    self.files = [].makeIterator()
    self.limits = .standard
  }

  init(files: [String], limits: ImageLimits) {
    self.video = nil
    self.label = ""
    self.live = false
    self.files = files.makeIterator()
    self.limits = limits
  }

  /// The frame rate the video or camera reports; nil for images, for sources that do not say, and
  /// for a rate no camera records (`declaredRateUnlikely`).
  public var framesPerSecond: Double? { declaredRate.flatMap { $0 <= Self.highestFrameRate ? $0 : nil } }

  /// The fastest rate a camera records (slow motion on a phone); a file that declares more gives
  /// its timestamps' clock instead (1000 for a browser's WebM or some webcams' files, 90000 for
  /// some streams), by which faces would be searched for once in several seconds.
  public static let highestFrameRate = 240.0

  /// The rate the source declares when it is one no camera records, for a warning; nil otherwise.
  public var declaredRateUnlikely: Double? { declaredRate.flatMap { $0 > Self.highestFrameRate ? $0 : nil } }

  /// The rate the video or camera declares, when it declares one.
  private var declaredRate: Double? {
    guard let rate = video?.framesPerSecond, rate > 0, rate.isFinite else { return nil }
    return rate
  }

  /// Degrees clockwise a video file's frames are turned to stand as the file says they are shown (a
  /// phone held upright stores them on their side); 0 for everything else.
  public var rotation: Int { video?.rotation ?? 0 }

  /// The next frame or photo, nil at the end. A video read error ends the stream after reporting it.
  public func next() -> SourceFrame? {
    if let video {
      if ended { return nil }
      do throws(FaceKitError) {
        guard let frame = try video.nextFrame() else { return nil }
        let time = live ? started.elapsedSeconds : video.position
        return SourceFrame(origin: "\(label)@\(String(format: "%.2f", time))s", time: time, image: .success(frame))
      } catch {
        ended = true
        return SourceFrame(origin: label, time: nil, image: .failure(error))
      }
    }
    guard let path = files.next() else { return nil }
    do throws(FaceKitError) {
      return SourceFrame(origin: path, time: nil, image: .success(try Image(contentsOfFile: path, limits: limits)))
    } catch {
      return SourceFrame(origin: path, time: nil, image: .failure(error))
    }
  }
}
