import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird

/// One line per request on standard error: address, user, method, path, status, milliseconds.
struct AccessLog: RouterMiddleware {
  let metrics: ServerMetrics
  /// Whether to write the line (`--access-log`); the counters are kept either way.
  let writesLines: Bool

  func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws
    -> Response
  {
    let start = ContinuousClock.now
    var status = 500
    defer {
      let ms = (ContinuousClock.now - start) / .milliseconds(1)
      metrics.count(status: status, seconds: ms / 1000)
      if writesLines {
        let line =
          "\(context.remoteAddress) \(LogText.safe(context.identity?.name ?? "-")) \(request.method) \(LogText.safe(request.uri.path, limit: 200)) \(status) \(String(format: "%.1f", ms))ms\n"
        FileHandle.standardError.write(Data(line.utf8))
      }
    }
    do {
      let response = try await next(request, context)
      status = response.status.code
      return response
    } catch let error as HTTPResponseError {
      status = error.status.code
      throw error
    }
  }
}
