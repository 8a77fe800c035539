import AttendanceKit
import FaceKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL

/// Everything att-serve needs to run, from its options and environment.
public struct ServeSettings: Sendable {
  public var host = "127.0.0.1"
  public var port = 8080
  public var store: AttendanceStore
  public var media: MediaLibrary
  /// Where admin changes (rename, remove, manual attendance) go: the handler in direct mode, the
  /// broker in queue mode, like every other tool's messages.
  public var delivery: any MessageDelivery
  /// The broker whose `att.events` wake the live feed (queue mode), if any.
  public var broker: BrokerURL?
  public var secretKey: String
  /// Clock time (HH:MM, camera time) after which an arrival counts as late; nil for no rule.
  public var lateAfter: String?
  /// "Now" and "today" for the views, the default report range and the export names.
  public var clock = SchoolClock.system
  /// Write one line per request to standard error.
  public var accessLog = true
  /// PEM certificate chain and key: serve HTTPS (and wss://) instead of HTTP.
  public var tlsCertificate: String?
  public var tlsKey: String?
  /// How often the live feed looks at the database (always in direct mode; as a fallback in queue mode).
  public var pollInterval = 0.05
  public var limiter = LoginLimiter()
  /// Threads for SQLite calls: WAL lets readers run side by side, and these bound how many do.
  public var databaseThreads = 4
  /// Password checks admitted at once (one runs, the rest wait); more get "busy, try again".
  public var passwordLine = 4
  /// The face models, for the embeddings of a face enrolled or assigned from the dashboard in direct
  /// mode (queue mode: att-worker makes them). Nil: the page says to run att-extract.
  public var models: ModelSet?
  /// Days an unknown face's snapshot is kept (the sweep runs at start and every hour).
  public var snapshotDays = 30
  /// Seconds an HTTP connection may stay idle (a half-open client included) before it is closed.
  public var idleTimeout = 30.0
  /// Seconds a new connection has to send its first request head whole (slow or half heads are closed).
  public var headTimeout = 10.0
  /// Connections held at once: in all (nil: the descriptor limit less a reserve), and per address.
  public var maxConnections: Int?
  public var maxConnectionsPerAddress = 256
  /// Bytes that may wait for one live feed client before it is let go (it stopped reading; its
  /// dashboard reconnects and catches up from the database).
  public var feedBacklog = 4 << 20

  public init(store: AttendanceStore, media: MediaLibrary, delivery: any MessageDelivery, secretKey: String) {
    self.store = store
    self.media = media
    self.delivery = delivery
    self.secretKey = secretKey
  }
}
