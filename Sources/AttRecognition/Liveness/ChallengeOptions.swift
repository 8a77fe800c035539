import AttendanceKit
import FaceKit
import Foundation

/// Challenge mode's settings (`att-take --challenge`).
public struct ChallengeOptions: Sendable, Equatable {
  /// Steps asked per person.
  public var steps = 2
  /// Challenges a person may try: one who turns the wrong way or too late is asked again, with a new
  /// random order, until this many have failed. Each attempt is another chance for a replay to match
  /// the order by luck: 1 is the strictest.
  public var attempts = 2
  /// Seconds allowed for each step.
  public var secondsPerStep = 5.0
  /// |yaw| (nose offset along the eye line, in eye distances) that counts as a turn: about 25 degrees.
  public var turnYaw = 0.15
  public init() {}
}
