import AttendanceKit
import Foundation

/// Turns SIGINT and SIGTERM into a stop request, so a tool finishes the work in hand and exits
/// cleanly (a service manager's stop, or Ctrl-C).
public final class StopOnSignals {
  private var sources: [any DispatchSourceSignal] = []

  /// Watches both signals until this object goes away; `notice` is printed once per signal.
  public init(_ stop: StopSignal, notice: String? = nil) {
    for number in [SIGINT, SIGTERM] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        if let notice { Console.error(notice) }
        stop.stop()
      }
      source.resume()
      sources.append(source)
    }
  }
}
