import AttTestSupport
import Foundation
import Testing

@testable import AttEvaluation
@testable import AttRecognition

/// What the liveness report makes of outcomes already scored: its medians.
@Suite("The liveness report's figures", .testThreads)
struct LivenessReportTests {
  @Test("the median of an even count is the mean of the two middle values, of an odd count the middle one")
  func median() {
    #expect(LivenessVideoReport.median(ofSorted: []) == nil)
    #expect(LivenessVideoReport.median(ofSorted: [0.4]) == 0.4)
    #expect(LivenessVideoReport.median(ofSorted: [0.2, 0.5, 3.9]) == 0.5)
    #expect(LivenessVideoReport.median(ofSorted: [0.2, 0.4, 0.6, 3.9]) == 0.5)
  }

  @Test("the report's time to a live verdict and the live spread of a figure are true medians over the live tracks")
  func reportMedians() throws {
    let evaluation = try LivenessVideoEvaluation(models: Scratch.models, base: LivenessOptions())
    let defaults = try #require(evaluation.settings.last?.name)
    // Four live tracks judged live after 0.4, 0.6, 1.0 and 2.0 s, with moire peaks 10, 12, 20 and 30;
    // a fifth too short to count.
    let tracks = zip([0.4, 0.6, 1.0, 2.0, 0.1], [10.0, 12, 20, 30, 90]).enumerated().map { n, figures in
      LivenessVideoEvaluation.TrackOutcome(
        track: n + 1, seconds: n == 4 ? 0.5 : 4, figures: ["screen_moire_peak": figures.1],
        verdicts: [defaults: .init(liveAfter: figures.0, spoof: false)])
    }
    let outcome = LivenessVideoEvaluation.VideoOutcome(
      presentation: LivenessPresentation(name: "live/four.mp4", kind: .live, material: "real recording", path: "four.mp4"),
      frames: 100, tracks: tracks)
    let row = try #require(evaluation.report([outcome]).rows.last)
    #expect(row.live.samples == 4, "the short track is not counted")
    #expect(row.medianLiveAfter == 0.8, "\(String(describing: row.medianLiveAfter))")
    let spread = evaluation.liveSpread([outcome])
    #expect(spread.contains("over 4 live tracks: min 10.0, median 16.0, max 30.0"), "\(spread)")
  }
}
