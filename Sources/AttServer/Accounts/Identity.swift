import AttendanceKit
import Foundation

/// A signed-in person or a script's token.
public struct Identity: Sendable, Equatable {
  public let name: String
  public let role: Role
  /// Whether it came from a session cookie (so state changes need the CSRF token) or a bearer token.
  public let viaCookie: Bool
  /// The classes it may see and correct: a teacher's; nil for every other role (all classes).
  public var classes: Set<String>? = nil
}
