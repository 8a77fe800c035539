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
    // Read from `nearest` once, here. (Stored rather than computed: Swift 6.3.1's optimiser crashed
    // on computed optionals of the nested match in RecognitionSession's annotation, release only.)
    /// The person, when accepted.
    public let personID: String?
    public let name: String?
    /// Distance to the nearest stored face.
    public let distance: Float?
    /// How much further the nearest face of any other person is (infinity with one person enrolled).
    public let margin: Float?
    /// Who the nearest face belongs to, accepted or not (for logs and tuning).
    public let nearestPersonID: String?

    init(nearest: Gallery.Match?, accepted: Bool) {
      self.nearest = nearest
      self.accepted = accepted
      personID = accepted ? nearest?.personID : nil
      name = accepted ? nearest?.name : nil
      distance = nearest?.distance
      margin = nearest.map { $0.runnerUpDistance - $0.distance }
      nearestPersonID = nearest?.personID
    }
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
