import AttendanceKit
import FaceKit
import Foundation

/// One thing a kiosk asks of the person in front of it.
public enum ChallengeStep: String, Sendable, Codable, CaseIterable {
  case turnLeft = "turn your head to your left"
  case turnRight = "turn your head to your right"
  case blink = "blink"
}

/// A random challenge and its progress, fed one frame at a time: the head pose from the face's
/// landmarks and the number of blinks the track has shown so far. A printed photo cannot turn or
/// blink on request, and a replayed video does not know the random order: each step must be done
/// within its time, starting from the head facing the camera, and a turn the wrong way, or any turn
/// when asked to blink, fails the challenge at once. A recording that happens to do the asked things
/// in the asked order still passes: the more steps, the less likely (`ChallengeOptions.steps`).
public struct Challenge: Sendable, Equatable {
  public enum State: Sendable, Equatable {
    /// Showing this step; `remaining` seconds are left for it.
    case asking(ChallengeStep, remaining: Double)
    case passed
    case failed(String)
  }

  public let steps: [ChallengeStep]
  public let options: ChallengeOptions
  /// Which attempt this is, 1 for the first: a kiosk asks a new challenge after a failed attempt
  /// while `options.attempts` allows (`next(using:)`).
  public let attempt: Int
  public private(set) var index = 0
  public private(set) var state: State
  private var stepStarted: Double?
  private var blinksAtStart = 0
  /// Whether the head was seen facing the camera since this step was asked: a turn counts (as the
  /// answer, the wrong way, or a turn not asked for) only from there. A head still turned from the
  /// step before, or already turned when asked, is not an answer and not a failure.
  private var facedSinceAsked = false

  public init(steps: [ChallengeStep], options: ChallengeOptions = ChallengeOptions(), attempt: Int = 1) {
    self.steps = steps
    self.options = options
    self.attempt = attempt
    state = steps.isEmpty ? .passed : .asking(steps[0], remaining: options.secondsPerStep)
  }

  /// Whether another attempt is left after this one.
  public var canRetry: Bool { attempt < options.attempts }

  /// "attempt 2 of 2", or nil on the first attempt (nothing to say then).
  public var attemptOfAll: String? { attempt > 1 ? "attempt \(attempt) of \(options.attempts)" : nil }

  /// Where the person is: "step 1 of 2", "step 1 of 2, attempt 2 of 2".
  public var progress: String {
    (["step \(index + 1) of \(steps.count)"] + [attemptOfAll].compactMap { $0 }).joined(separator: ", ")
  }

  /// Why a track that ended in the middle of its challenge was not marked; nil when the challenge is
  /// not being asked.
  public var unfinished: String? {
    guard case .asking(let step, _) = state else { return nil }
    return "the track ended before the challenge was done (step \(index + 1) of \(steps.count): \(step.rawValue))"
      + (attemptOfAll.map { " (\($0))" } ?? "")
  }

  /// The next attempt after this one failed: a new random order, or nil when no attempt is left.
  public func next(using generator: inout some RandomNumberGenerator) -> Challenge? {
    guard canRetry else { return nil }
    return Challenge.random(options: options, attempt: attempt + 1, using: &generator)
  }

  /// A random sequence of `options.steps` steps with no step twice in a row and at least one turn
  /// (a blink alone could be a replayed video of someone blinking).
  public static func random(
    options: ChallengeOptions = ChallengeOptions(), attempt: Int = 1, using generator: inout some RandomNumberGenerator
  ) -> Challenge {
    var steps: [ChallengeStep] = []
    while steps.count < max(options.steps, 1) {
      let next = ChallengeStep.allCases.randomElement(using: &generator)!
      if next != steps.last { steps.append(next) }
      if steps.count == options.steps, !steps.contains(where: { $0 != .blink }) { steps.removeLast() }
    }
    return Challenge(steps: steps, options: options, attempt: attempt)
  }

  /// Advances with one frame. `yaw` is nil when the pose is unknown on this frame (no landmarks).
  @discardableResult
  public mutating func observe(yaw: Double?, blinks: Int, at time: Double) -> State {
    guard case .asking(let step, _) = state else { return state }
    if stepStarted == nil {
      stepStarted = time
      blinksAtStart = blinks
      facedSinceAsked = false
    }
    let elapsed = time - stepStarted!
    var done = false
    if let yaw {
      if abs(yaw) < options.turnYaw / 2 { facedSinceAsked = true }
      if facedSinceAsked {
        // The person's left is the camera's right: turning to their left moves the nose to the image's right.
        let left = yaw > options.turnYaw, right = yaw < -options.turnYaw
        switch step {
        case .turnLeft where right, .turnRight where left:
          state = .failed("turned the wrong way when asked to \(step.rawValue)")
          return state
        case .blink where left || right:
          // A recording of someone who turns about does not know when it is asked to keep still.
          state = .failed("turned the head when asked to blink")
          return state
        default: done = (step == .turnLeft && left) || (step == .turnRight && right)
        }
      }
    }
    if step == .blink { done = blinks > blinksAtStart }
    if done {
      index += 1
      stepStarted = nil
      state = index == steps.count ? .passed : .asking(steps[index], remaining: options.secondsPerStep)
    } else if elapsed > options.secondsPerStep {
      state = .failed("did not \(step.rawValue) within \(String(format: "%g", options.secondsPerStep)) s")
    } else {
      state = .asking(step, remaining: options.secondsPerStep - elapsed)
    }
    return state
  }

  /// The pose used for the turns, from 68-point landmarks (eye corners 36, 39, 42, 45 and the base of
  /// the nose, 33, in the 5-point model's order).
  public static func yaw(from68 points: [Point]) -> Double? {
    guard points.count == 68 else { return nil }
    return HeadPose(fivePointLandmarks: [points[45], points[42], points[36], points[39], points[33]])?.yaw
  }
}
