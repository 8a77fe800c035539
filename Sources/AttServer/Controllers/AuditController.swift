import AttendanceKit
import Hummingbird

/// `GET /api/audit` (admins): the newest entries of the audit log, newest first.
struct AuditController: Sendable {
  let store: AttendanceStore
  let database: BlockingWork

  func addRoutes(admin: RouterGroup<AppContext>) {
    admin.get("audit") { request, _ in
      let limit = try Query(request).limit()
      return try await database.run { try JSONBody(store.auditLog(limit: limit)) }
    }
  }
}
