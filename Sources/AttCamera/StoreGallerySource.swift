import AttQueue
import AttRecognition
import AttendanceKit
import Foundation

/// The gallery of a local database (a single host, or a shared copy): its stamp is polled every
/// `poll` seconds, and in queue mode `att.events` announces a change at once.
public final class StoreGallerySource: GallerySource {
  private let store: AttendanceStore
  private let events: GalleryEvents?
  private let poll: Double
  private var stamp: String?
  private var lastCheck = ContinuousClock.now
  private var lastEventCheck: ContinuousClock.Instant?

  public init(store: AttendanceStore, events: GalleryEvents?, poll: Double) {
    self.store = store
    self.events = events
    self.poll = poll
    stamp = try? store.galleryStamp()
  }

  public func changedMatcher() throws -> GalleryMatcher? {
    // The event subscription is read a few times a second, not on every frame (each read may wait 1 ms).
    var announced = false
    if let events, (lastEventCheck?.elapsedSeconds ?? .infinity) >= 0.2 {
      lastEventCheck = ContinuousClock.now
      announced = events.galleryChanged()
    }
    guard announced || lastCheck.elapsedSeconds >= poll else { return nil }
    lastCheck = ContinuousClock.now
    let now = try store.galleryStamp()
    guard now != stamp || announced else { return nil }
    stamp = now
    return try GalleryMatcher(gallery: try Gallery(store: store))
  }
}
