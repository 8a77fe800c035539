import AttendanceKit
import FaceKit
import Foundation

/// Who a face is, by nearest neighbour over every stored embedding of everyone enrolled.
/// Immutable once made (the index is only read), so one made on the gallery thread may be handed to the frame loop.
public final class GalleryMatcher: @unchecked Sendable {
  /// The outcome of matching one face: the nearest stored face, and whether it was accepted.
  public struct Identification: Sendable, Equatable {
    /// The nearest stored face (of anyone); nil for an empty gallery.
    public let nearest: Gallery.Match?
    /// Whether the nearest face is within the threshold and clear of everyone else by the margin.
    public let accepted: Bool

    /// The person, when accepted.
    public var personID: String? { accepted ? nearest?.personID : nil }
    public var name: String? { accepted ? nearest?.name : nil }
    /// Distance to the nearest stored face.
    public var distance: Float? { nearest?.distance }
    /// How much further the nearest face of any other person is (infinity with one person enrolled).
    public var margin: Float? { nearest.map { $0.runnerUpDistance - $0.distance } }
    /// Who the nearest face belongs to, accepted or not (for logs and tuning).
    public var nearestPersonID: String? { nearest?.personID }
  }

  public let people: [(id: String, name: String)]
  public let embeddings: Int
  private let index: DescriptorIndex

  public init(gallery: Gallery) throws {
    var people: [(id: String, name: String)] = []
    var owners: [Int32] = []
    var position: [String: Int32] = [:]
    for entry in gallery.entries {
      if position[entry.personID] == nil {
        position[entry.personID] = Int32(people.count)
        people.append((entry.personID, entry.name))
      }
      owners.append(position[entry.personID]!)
    }
    self.people = people
    self.embeddings = owners.count
    index = try DescriptorIndex(descriptors: gallery.entries.map(\.descriptor), owners: owners)
  }

  /// Matches `descriptor`: accepted when the nearest face is within `threshold` and the nearest
  /// face of any other person is at least `margin` further.
  public func identify(_ descriptor: FaceDescriptor, threshold: Float, margin: Float) -> Identification {
    guard let nearest = index.nearest(to: descriptor) else { return Identification(nearest: nil, accepted: false) }
    let person = people[Int(index.owners[nearest.entry])]
    let match = Gallery.Match(
      personID: person.id, name: person.name, distance: nearest.distance, runnerUpDistance: nearest.runnerUpDistance)
    return Identification(
      nearest: match, accepted: nearest.distance <= threshold && nearest.runnerUpDistance - nearest.distance >= margin)
  }
}
