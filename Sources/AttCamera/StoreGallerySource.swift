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
  private var lastCheck = Date()
  private var lastEventCheck = Date.distantPast

  public init(store: AttendanceStore, events: GalleryEvents?, poll: Double) {
    self.store = store
    self.events = events
    self.poll = poll
    stamp = try? store.galleryStamp()
  }

  public func changedMatcher() throws -> GalleryMatcher? {
    // The event subscription is read a few times a second, not on every frame (each read may wait 1 ms).
    var announced = false
    if let events, Date().timeIntervalSince(lastEventCheck) >= 0.2 {
      lastEventCheck = Date()
      announced = events.galleryChanged()
    }
    guard announced || Date().timeIntervalSince(lastCheck) >= poll else { return nil }
    lastCheck = Date()
    let now = try store.galleryStamp()
    guard now != stamp || announced else { return nil }
    stamp = now
    return try GalleryMatcher(gallery: try Gallery(store: store))
  }
}
