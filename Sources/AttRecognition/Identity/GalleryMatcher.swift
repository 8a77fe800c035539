import AttendanceKit
import FaceKit
import Foundation

/// Who a face is, by nearest neighbour over every stored embedding of everyone enrolled.
/// Immutable once made (the index is only read), so one made on the gallery thread may be handed to the frame loop.
public final class GalleryMatcher: @unchecked Sendable {
  /// The outcome of matching one face.
  public struct Identification: Sendable, Equatable {
    /// The person, when the nearest face is within the threshold and clear of everyone else by the margin.
    public let personID: String?
    public let name: String?
    /// Distance to the nearest stored face (of anyone); nil for an empty gallery.
    public let distance: Float?
    /// How much further the nearest face of any other person is (infinity with one person enrolled).
    public let margin: Float?
    /// Who the nearest face belongs to, accepted or not (for logs and tuning).
    public let nearestPersonID: String?
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
    guard let nearest = index.nearest(to: descriptor) else {
      return Identification(personID: nil, name: nil, distance: nil, margin: nil, nearestPersonID: nil)
    }
    let person = people[Int(index.owners[nearest.entry])]
    let gap = nearest.runnerUpDistance - nearest.distance
    let accepted = nearest.distance <= threshold && gap >= margin
    return Identification(
      personID: accepted ? person.id : nil, name: accepted ? person.name : nil, distance: nearest.distance,
      margin: gap, nearestPersonID: person.id)
  }
}
