import AttendanceKit
import Foundation

/// att-take's view of the events: when someone is enrolled, renamed or removed (on any host, applied
/// by any worker) the gallery is reloaded at once instead of at the next poll.
public final class GalleryEvents {
  private let subscription: EventSubscription

  public static let relevant: Set<String> = ["gallery_changed", "person_removed", "person_renamed", "person_registered"]

  public init(broker: BrokerURL) {
    subscription = EventSubscription(broker: broker)
  }

  /// Whether the gallery changed since the last call (never blocks for more than a millisecond).
  public func galleryChanged() -> Bool {
    subscription.next(timeout: 0.001).contains { EventSubscription.type(of: $0).map(Self.relevant.contains) ?? false }
  }
}
