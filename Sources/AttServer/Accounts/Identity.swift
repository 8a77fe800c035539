import AttendanceKit
import Foundation

/// A signed-in person or a script's token.
public struct Identity: Sendable, Equatable {
  public let name: String
  public let role: Role
  /// Whether it came from a session cookie (so state changes need the CSRF token) or a bearer token.
  public let viaCookie: Bool
}
