import AttendanceKit
import FaceKit
import Foundation

/// Challenge mode (`att-take --challenge`, the kiosk): a recognised track is asked a random challenge,
/// and asked again in a new order after a failed attempt while attempts are left.
extension RecognitionSession {
  /// What the challenge makes of one frame of a recognised track.
  enum ChallengeTurn {
    /// Passed: the liveness verdict decides from here.
    case passed
    /// Still asking, with nothing new to say.
    case quiet
    /// A step asked, an attempt failed and another to come (`challenge`), or the last attempt failed
    /// (`challengeFailed`): the line's kind and its reason.
    case say(TakeDecision.Attendance, String)
  }

  /// Advances the track's challenge with this frame, starting one when there is none. `name` is who
  /// the prompts speak to.
  func challengeTurn(_ state: inout TrackState, name: String, options: ChallengeOptions, at time: Double) -> ChallengeTurn {
    var generator = SystemRandomNumberGenerator()
    if state.challenge == nil { state.challenge = Challenge.random(options: options, using: &generator) }
    let turn = state.challenge!.observe(yaw: state.yaw, blinks: state.liveness.blinks.count, at: time)
    let challenge = state.challenge!
    switch turn {
    case .passed: return .passed
    case .asking(let step, _):
      // Each step is announced once, when it starts.
      guard state.challengeAsked != challenge.index else { return .quiet }
      state.challengeAsked = challenge.index
      return .say(.challenge, "\(name), please \(step.rawValue) (\(challenge.progress))")
    case .failed(let why):
      // A pupil who turns the wrong way, or too late, is asked again: a new random order, its first
      // step announced on the next frame.
      guard let next = challenge.next(using: &generator) else {
        state.decided = true
        return .say(.challengeFailed, "the challenge failed: \(why)" + (challenge.attemptOfAll.map { " (\($0))" } ?? ""))
      }
      state.challenge = next
      state.challengeAsked = nil
      return .say(.challenge, "\(name), the challenge failed: \(why); once more (\(next.attemptOfAll!))")
    }
  }
}
