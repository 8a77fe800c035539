import AttendanceKit
import Foundation

/// Who may use the dashboard and the API, and what they may do.
public enum Role: String, Sendable, Codable, CaseIterable {
  /// Reads everything: attendance, people, exports.
  case viewer
  /// Sees and corrects the classes of their account only (`att-serve user add NAME --role teacher
  /// --class 7A`); no unknown faces, calendar changes, people changes or audit.
  case teacher
  /// Also renames and removes people and corrects attendance.
  case admin
  /// A camera host's token (never an account): reads the gallery and posts its status, nothing else.
  case camera

  /// The roles of people (accounts and scripts): everything but the camera's two routes.
  public static let people: Set<Role> = [.viewer, .teacher, .admin]
  /// The roles that correct attendance (a teacher, in their own classes only).
  public static let correctors: Set<Role> = [.teacher, .admin]
}
