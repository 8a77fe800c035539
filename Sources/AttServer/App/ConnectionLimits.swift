import Foundation
import Synchronization

/// How many connections att-serve holds at once, in all and from one address. A connection over
/// either cap is answered 503 and closed at once, so that one client (or a crowd of half-open
/// sockets) cannot take every file descriptor, and `/healthz` and everyone else keep being served.
public final class ConnectionLimits: Sendable {
  public let total: Int
  public let perAddress: Int
  private let open = Mutex<(total: Int, byAddress: [String: Int])>((0, [:]))

  /// `perAddress` is kept under a quarter of `total`, so that one address never holds them all.
  public init(total: Int, perAddress: Int) {
    self.total = max(1, total)
    self.perAddress = max(1, min(perAddress, max(total / 4, 1)))
  }

  /// A cap on all connections that leaves `reserve` descriptors of the process's limit for the
  /// database, the models, the logs and the listening socket.
  public static func fromDescriptorLimit(perAddress: Int, reserve: Int = 64) -> ConnectionLimits {
    var files = rlimit()
    let limit = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &files) == 0 ? Int(clamping: files.rlim_cur) : 1024
    return ConnectionLimits(total: max(16, min(limit, 1_000_000) - reserve), perAddress: perAddress)
  }

  public enum Refusal: Sendable, Equatable { case total, address }

  /// Takes a place for a connection from `address`, or says which cap refuses it.
  func admit(_ address: String) -> Refusal? {
    open.withLock { state in
      if state.total >= total { return .total }
      if state.byAddress[address, default: 0] >= perAddress { return .address }
      state.total += 1
      state.byAddress[address, default: 0] += 1
      return nil
    }
  }

  func release(_ address: String) {
    open.withLock { state in
      state.total -= 1
      let left = state.byAddress[address, default: 1] - 1
      state.byAddress[address] = left > 0 ? left : nil
    }
  }

  /// Connections held now.
  public var current: Int { open.withLock { $0.total } }
}
