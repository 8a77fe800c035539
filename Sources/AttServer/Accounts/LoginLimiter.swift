import Foundation
import Synchronization

/// Slows password guessing without letting anyone lock a user out:
/// - failures count per account *and address* pair, so guesses from elsewhere never delay the
///   owner at their own desk; and per address alone, so that one address cannot scan many names;
/// - past a few free failures each further one doubles the wait (1, 2, 4 ... 300 s) instead of a
///   hard lock; failures are forgotten `window` seconds after the last one;
/// - addresses that have signed in successfully are remembered (`isKnown`), so that a flood of
///   sign-ins from elsewhere cannot crowd them out of the password line.
public final class LoginLimiter: Sendable {
  private struct Failures {
    var count: Int
    var last: Date
  }
  private let failures = Mutex<[String: Failures]>([:])
  private let known = Mutex<[String: Date]>([:])
  /// Free failures per account and address pair, and per address.
  public let pairLimit: Int
  public let addressLimit: Int
  public let longestWait: TimeInterval
  public let window: TimeInterval

  public init(pairLimit: Int = 5, addressLimit: Int = 20, longestWait: TimeInterval = 300, window: TimeInterval = 900) {
    self.pairLimit = pairLimit
    self.addressLimit = addressLimit
    self.longestWait = longestWait
    self.window = window
  }

  static func keys(address: String, account: String) -> [String] {
    ["ip:\(address)", "pair:\(address) \(account.prefix(64).lowercased())"]
  }

  private func limit(of key: String) -> Int { key.hasPrefix("ip:") ? addressLimit : pairLimit }

  /// The wait after `count` failures against a limit of `limit` free ones.
  func wait(after count: Int, limit: Int) -> TimeInterval {
    guard count >= limit else { return 0 }
    return min(longestWait, pow(2, Double(min(count - limit, 20))))
  }

  /// Seconds to wait before another attempt is allowed for any of these keys, or nil when allowed.
  public func retryAfter(_ keys: [String], now: Date = Date()) -> Int? {
    failures.withLock { table in
      var longest: TimeInterval = 0
      for key in keys {
        guard let entry = table[key] else { continue }
        let since = now.timeIntervalSince(entry.last)
        if since >= window {
          table[key] = nil
          continue
        }
        longest = max(longest, wait(after: entry.count, limit: limit(of: key)) - since)
      }
      return longest > 0 ? Int(longest.rounded(.up)) : nil
    }
  }

  public func recordFailure(_ keys: [String], now: Date = Date()) {
    failures.withLock { table in
      if table.count > 100_000 { table = table.filter { now.timeIntervalSince($0.value.last) < window } }
      if table.count > 100_000 { table.removeAll() }  // a flood of made-up names cannot eat the memory
      for key in keys { table[key] = Failures(count: (table[key]?.count ?? 0) + 1, last: now) }
    }
  }

  /// A success clears the pair's count (not the address's: one good password does not excuse a
  /// scan) and remembers the address as one a user signs in from.
  public func recordSuccess(_ keys: [String], address: String, now: Date = Date()) {
    failures.withLock { table in for key in keys where key.hasPrefix("pair:") { table[key] = nil } }
    known.withLock { table in
      if table.count >= 10_000, let oldest = table.min(by: { $0.value < $1.value }) { table[oldest.key] = nil }
      table[address] = now
    }
  }

  /// Whether a user has signed in from `address` in the last 90 days.
  public func isKnown(_ address: String, now: Date = Date()) -> Bool {
    known.withLock { table in table[address].map { now.timeIntervalSince($0) < 90 * 86400 } ?? false }
  }
}
