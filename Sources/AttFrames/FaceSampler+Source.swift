import AttendanceKit
import FaceKit
import FaceVideo
import Foundation

extension FaceSampler {
  /// Why collecting from a source stopped.
  public enum CollectionEnd: String, Sendable, Codable {
    /// As many samples as wanted were taken.
    case complete
    /// The file, folder or stream ended first.
    case endOfSource = "end_of_source"
    /// A live source ran past the time limit.
    case timedOut = "timed_out"
  }

  /// Takes samples from `reader` until enough are taken, the source ends, or (live sources) `timeout`
  /// seconds pass. After a refused video frame the next attempt waits `interval / 5` of video time,
  /// so a long clip is probed a few times per interval instead of analysed frame by frame.
  public func collect(
    from reader: FrameReader, timeout: Double?, onSample: (EnrolmentSample) -> Void = { _ in }
  ) -> CollectionEnd {
    let started = ContinuousClock.now
    var nextProbe = -Double.infinity
    while !isComplete {
      if let timeout, started.elapsedSeconds > timeout { return .timedOut }
      guard let frame = reader.next() else { return .endOfSource }
      if let time = frame.time, time < nextProbe || !wantsFrame(at: time) { continue }
      switch frame.image {
      case .failure(let error):
        reject(.unreadable(code: error.code, reason: error.reason), origin: frame.origin)
      case .success(let image):
        switch consider(image, time: frame.time, origin: frame.origin) {
        case .success(let sample): onSample(sample)
        case .failure: if let time = frame.time { nextProbe = time + interval / 5 }
        }
      }
    }
    return .complete
  }
}

/// What one enrolment did: for the summary a person reads and the JSON a script reads.
public struct EnrolmentReport: Sendable, Codable {
  public struct Refusal: Sendable, Codable {
    public let origin: String
    public let code: String
    public let reason: String
  }

  public let personID: String
  public let name: String
  public let source: String
  public let wanted: Int
  public let taken: Int
  public let considered: Int
  /// Refusals counted by reason code.
  public let refusedByReason: [String: Int]
  /// The individual refusals (the first 1,000).
  public let refused: [Refusal]
  public let end: FaceSampler.CollectionEnd
  /// What the handler did (or "queued"), nil when nothing was sent.
  public var outcome: String?
  /// Embeddings computed right after registering (direct mode).
  public var embeddings: Int?
  public var warnings: [String] = []

  public init(personID: String, name: String, source: String, sampler: FaceSampler, end: FaceSampler.CollectionEnd) {
    self.personID = personID
    self.name = name
    self.source = source
    self.wanted = sampler.wanted
    self.taken = sampler.samples.count
    self.considered = sampler.considered
    self.refusedByReason = sampler.rejections.mapValues(\.count)
    self.refused = sampler.refused.map { Refusal(origin: $0.origin, code: $0.reason.code, reason: $0.reason.description) }
    self.end = end
  }

  enum CodingKeys: String, CodingKey {
    case name, source, wanted, taken, considered, refused, end, outcome, embeddings, warnings
    case personID = "person_id"
    case refusedByReason = "refused_by_reason"
  }

  /// "3 no_face, 1 blurry", most frequent first.
  public var refusalSummary: String {
    refusedByReason.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.value) \($0.key)" }
      .joined(separator: ", ")
  }
}
