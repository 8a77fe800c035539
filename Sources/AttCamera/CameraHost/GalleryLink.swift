import AttQueue
import AttRecognition
import AttendanceKit
import Foundation
import Logging
import Synchronization

/// A camera host's gallery, from att-serve: fetched at start (only the changes since the cache's
/// version), kept in the cache for the days the server is down, and fetched again on a thread of its
/// own when `att.events` announces a change or a status reply shows a newer version. The frame loop
/// only picks up the new matcher (`changedMatcher`), never waits on the network.
public final class GalleryLink: GallerySource, @unchecked Sendable {
  public let client: ServerClient
  public let cache: GalleryCache
  public let model: String
  private let broker: BrokerURL?
  private let log: Logger

  /// What the link thread holds (the whole current gallery) and hands over.
  private struct State {
    var gallery: GalleryUpdate?
    var pending: GalleryMatcher?
    var fetchWanted = false
    var stopping = false
    var source = "server"
  }
  private let state = Mutex(State())
  private let wake = NSCondition()
  private var outage = false

  /// A fetch's figures, for the log and the benchmark.
  struct Fetch {
    let bytes: Int
    let seconds: Double
    let full: Bool
    let changed: Int
  }

  public init(
    client: ServerClient, cache: GalleryCache, model: String, broker: BrokerURL?,
    log: Logger = Logger(label: "att.camera-host")
  ) {
    self.client = client
    self.cache = cache
    self.model = model
    self.broker = broker
    self.log = log
  }

  /// The gallery's version and size, and where it came from (server or cache), for the status.
  public var version: (version: String?, people: Int, source: String) {
    state.withLock { ($0.gallery.map { $0.galleryVersion.description }, $0.gallery?.people.count ?? 0, $0.source) }
  }

  /// The first gallery: the server's (the changes since the cache's version), else the cache's when
  /// the server cannot be reached. A refused token erases the cache: a revoked camera keeps no faces.
  public func start() throws -> GalleryMatcher {
    var cached: GalleryUpdate?
    do {
      cached = try cache.load(model: model)
    } catch {
      log("warning: \(error); fetching the whole gallery")
    }
    state.withLock { $0.gallery = cached }
    do {
      let fetch = try fetchNow()
      let held = state.withLock { $0.gallery! }
      log(
        "gallery from \(client.base.absoluteString): \(held.people.count) people / \(held.embeddingCount) embeddings, version \(held.galleryVersion)"
          + (fetch.map {
            String(format: " (%@ %d bytes in %.0f ms)", $0.full ? "fetched" : "changes:", $0.bytes, $0.seconds * 1000)
          }
            ?? " (the cache was up to date)"))
    } catch ServerClient.Failure.tokenRefused(let message) {
      cache.erase()
      throw CameraHostError.tokenRefused(server: client.base.absoluteString, message: message, cache: cache.path)
    } catch ServerClient.Failure.forbidden(let message) {
      throw CameraHostError.notCameraToken(server: client.base.absoluteString, message: message)
    } catch {
      guard let cached else {
        throw CameraHostError.unreachable(server: client.base.absoluteString, reason: "\(error)", cache: cache.path)
      }
      outage = true
      state.withLock { $0.source = "cache" }
      log(
        "att-serve at \(client.base.absoluteString) cannot be reached (\(error)): running from the cache \(cache.path) "
          + "(\(cached.people.count) people, version \(cached.galleryVersion)); changes and removals arrive when it is back")
    }
    // The first matcher is the caller's: none is pending.
    let gallery = state.withLock { s in
      s.pending = nil
      return s.gallery!
    }
    return try GalleryMatcher(gallery: try gallery.matchingGallery())
  }

  /// Fetches the changes since the held version and applies them (memory, then cache). Nil when
  /// nothing changed.
  @discardableResult
  private func fetchNow() throws -> Fetch? {
    let held = state.withLock { $0.gallery }
    var path = "api/gallery?model=\(model)"
    if let held { path += "&since=\(held.galleryVersion)" }
    let started = ContinuousClock.now
    let reply = try client.send("GET", path)
    guard reply.status == 200 else { return nil }  // 304: the held gallery is the newest
    let update = try JSONDecoder().decode(GalleryUpdate.self, from: reply.body)
    let merged: GalleryUpdate
    do {
      merged = try update.applied(to: held)
    } catch {
      // A delta that does not fit what is held (cannot happen with a well-behaved server): start over.
      state.withLock { $0.gallery = nil }
      return try fetchNow()
    }
    let matcher = try GalleryMatcher(gallery: try merged.matchingGallery())
    // Someone held is gone: their bytes are scrubbed from the disk, not only unlinked.
    let kept = Set(merged.people.map(\.id))
    let removed = held.map { $0.people.contains { !kept.contains($0.id) } } ?? false
    try cache.save(merged, scrubbing: removed)
    state.withLock {
      $0.gallery = merged
      $0.pending = matcher
      $0.source = "server"
    }
    return Fetch(
      bytes: reply.body.count, seconds: started.elapsedSeconds, full: update.full,
      changed: update.people.count + update.removed.count)
  }

  public func changedMatcher() throws -> GalleryMatcher? {
    state.withLock { s in
      defer { s.pending = nil }
      return s.pending
    }
  }

  /// Asks the link thread to fetch now (a status reply named a newer version).
  public func fetchSoon() {
    state.withLock { $0.fetchWanted = true }
    wake.lock()
    wake.broadcast()
    wake.unlock()
  }

  /// The link thread: woken by `att.events` (in queue mode) or `fetchSoon`; a failed fetch is retried
  /// every few seconds until the server answers again.
  public func run() {
    OwnThread.start(name: "att-take gallery") { [self] in
      let events = broker.map { EventSubscription(broker: $0) }
      var retryAt: Deadline?
      while !state.withLock({ $0.stopping }) {
        var wanted = false
        if let events {
          // Waits up to 0.5 s for an event: the stop and a status reply's request are seen within that.
          wanted = events.next(timeout: 0.5).contains {
            EventSubscription.type(of: $0).map(GalleryEvents.relevant.contains) ?? false
          }
        } else {
          wake.lock()
          _ = wake.wait(until: Date(timeIntervalSinceNow: 0.5))
          wake.unlock()
        }
        let asked = state.withLock { s in
          defer { s.fetchWanted = false }
          return s.fetchWanted
        }
        wanted = wanted || asked || (retryAt?.hasPassed ?? false)
        guard wanted else { continue }
        do {
          if let fetch = try fetchNow() {
            let held = state.withLock { $0.gallery! }
            log(
              String(
                format: "gallery updated to version %@: %d people / %d embeddings (%d changed, %d bytes in %.0f ms)",
                held.galleryVersion.description, held.people.count, held.embeddingCount, fetch.changed, fetch.bytes,
                fetch.seconds * 1000))
          }
          if outage { log("att-serve answers again: the gallery is the server's") }
          outage = false
          retryAt = nil
        } catch ServerClient.Failure.tokenRefused(let message) {
          // The token was revoked while running: the faces go, from memory and from the disk.
          cache.erase()
          let empty = GalleryUpdate(gallery: "0", version: 0, model: model, full: true, people: [], removed: [])
          state.withLock {
            $0.gallery = empty
            $0.pending = try? GalleryMatcher(gallery: empty.matchingGallery())
          }
          log("the server refused the token (\(message)): the gallery and its cache were erased; every face is unknown now")
          retryAt = Deadline(seconds: 30)
        } catch {
          if !outage { log("gallery not fetched (\(error)); running from the last one, retrying every 5 s") }
          outage = true
          state.withLock { $0.source = "cache" }
          retryAt = Deadline(seconds: 5)
        }
      }
    }
  }

  public func stop() {
    state.withLock { $0.stopping = true }
    fetchSoon()
  }
}
