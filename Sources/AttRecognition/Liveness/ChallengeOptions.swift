import AttendanceKit
import FaceKit
import Foundation

/// Challenge mode's settings (`att-take --challenge`).
public struct ChallengeOptions: Sendable, Equatable {
  /// Steps asked per person.
  public var steps = 2
  /// Seconds allowed for each step.
  public var secondsPerStep = 5.0
  /// |yaw| (nose offset along the eye line, in eye distances) that counts as a turn: about 25 degrees.
  public var turnYaw = 0.15
  public init() {}
}
