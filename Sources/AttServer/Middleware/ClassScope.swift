import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird

/// What a teacher may see and correct: their classes, and the people in them. Every other role
/// sees every class (`Identity.classes` is nil).
extension AppContext {
  /// The class a read is for. A teacher must name one of their classes (and is told which they
  /// are); any other role may name any class, or none for all.
  func scopedClass(_ requested: String?) throws -> String? {
    guard let mine = identity?.classes else { return requested }
    let list = mine.sorted().joined(separator: ", ")
    guard let requested else {
      throw HTTPError(.forbidden, message: "a teacher sees one of their classes at a time: add class= (\(list))")
    }
    guard mine.contains(requested) else {
      throw HTTPError(.forbidden, message: "class '\(requested)' is not one of yours (\(list))")
    }
    return requested
  }

  /// Refuses a teacher a person who is in none of their classes (as if there were no such person,
  /// so that ids outside the classes cannot be probed).
  func requireInScope(_ person: PersonRecord?, id: String) throws {
    guard let mine = identity?.classes else { return }
    guard let person, !mine.isDisjoint(with: person.classes) else {
      throw HTTPError(.notFound, message: "no person '\(id)' in your classes")
    }
  }

  /// Whether a teacher may see `person` (always, for other roles).
  func sees(_ person: PersonRecord) -> Bool {
    identity?.classes.map { !$0.isDisjoint(with: person.classes) } ?? true
  }
}

/// Only these roles pass (the corrections: admins, and teachers in their classes).
struct RequireAnyRole: RouterMiddleware {
  let allowed: Set<Role>

  func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws
    -> Response
  {
    guard let role = context.identity?.role, allowed.contains(role) else {
      let names = allowed.map(\.rawValue).sorted().joined(separator: " or ")
      throw HTTPError(.forbidden, message: "this needs the \(names) role")
    }
    return try await next(request, context)
  }
}
