import Foundation
import Synchronization

/// Refuses sign-ins after too many failures in a window, so that a password cannot be guessed at
/// the speed of the network: 5 failures lock an account name, 20 lock an address (higher, because a
/// school's teachers may all come from one NAT address).
public final class LoginLimiter: Sendable {
  private let failures = Mutex<[String: [Date]]>([:])
  public let accountLimit: Int
  public let addressLimit: Int
  public let window: TimeInterval

  public init(accountLimit: Int = 5, addressLimit: Int = 20, window: TimeInterval = 300) {
    self.accountLimit = accountLimit
    self.addressLimit = addressLimit
    self.window = window
  }

  static func keys(address: String, account: String) -> [String] {
    ["ip:\(address)", "user:\(account.prefix(64))"]
  }

  private func limit(of key: String) -> Int { key.hasPrefix("ip:") ? addressLimit : accountLimit }

  /// Seconds to wait before another attempt is allowed for any of these keys, or nil when allowed.
  public func retryAfter(_ keys: [String], now: Date = Date()) -> Int? {
    failures.withLock { table in
      var wait: Int?
      for key in keys {
        let recent = (table[key] ?? []).filter { now.timeIntervalSince($0) < window }
        table[key] = recent.isEmpty ? nil : recent
        if recent.count >= limit(of: key), let oldest = recent.first {
          wait = max(wait ?? 0, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
        }
      }
      return wait
    }
  }

  public func recordFailure(_ keys: [String], now: Date = Date()) {
    failures.withLock { table in
      for key in keys { table[key, default: []].append(now) }
      if table.count > 100_000 { table.removeAll() }  // a flood of made-up names cannot eat the memory
    }
  }

  /// A success clears the account's count (not the address's: one good password does not excuse a scan).
  public func recordSuccess(_ keys: [String]) {
    failures.withLock { table in for key in keys where key.hasPrefix("user:") { table[key] = nil } }
  }
}
