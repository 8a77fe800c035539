import AttendanceKit
import Foundation
import Logging
import ServiceLifecycle

/// Deletes the snapshots kept for review (unknown faces, liveness refusals, arrivals) older than the retention
/// period, at start and every hour, on the database threads.
struct SnapshotSweeper: Service {
  let settings: ServeSettings
  let database: BlockingWork
  let logger: Logger

  func run() async throws {
    try await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        let cutoff = Date().addingTimeInterval(-Double(settings.snapshotDays) * 86400)
        do {
          let deleted = try await database.run { try settings.store.expireSnapshots(before: cutoff, media: settings.media) }
          if deleted > 0 {
            logger.notice(
              "deleted \(deleted) review snapshot(s) (unknown faces, liveness refusals, arrivals): older than \(settings.snapshotDays) days, no longer reviewed, or named by no record"
            )
          }
        } catch {
          logger.warning("the snapshot sweep failed: \(error)")
        }
        // Cancelled at shutdown: the loop ends and the service returns normally.
        try? await Task.sleep(for: .seconds(3600))
      }
    }
  }
}
