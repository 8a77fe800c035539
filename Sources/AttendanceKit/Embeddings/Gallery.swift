import FaceKit
import Foundation

/// Every stored embedding of one model with the person it belongs to: what faces are matched against.
/// Matching uses each embedding, not a per-person mean, so a person enrolled with and without glasses
/// is matched by whichever sample is closer.
public struct Gallery: Sendable {
  public struct Entry: Sendable {
    public let personID: String
    public let name: String
    public let sampleID: Int64
    public let descriptor: FaceDescriptor

    public init(personID: String, name: String, sampleID: Int64, descriptor: FaceDescriptor) {
      self.personID = personID
      self.name = name
      self.sampleID = sampleID
      self.descriptor = descriptor
    }
  }

  /// The nearest person to a face and how far the next different person is.
  /// The nearest stored face to a descriptor: whose it is, how far, and how far the nearest face of
  /// anyone else is. The one result of a nearest-neighbour search (att-take's `Identification` is
  /// this and whether it was accepted).
  public struct Match: Sendable, Equatable {
    public let personID: String
    public let name: String
    public let distance: Float
    /// The distance to the nearest sample of any other person (infinity when there is none).
    public let runnerUpDistance: Float

    package init(personID: String, name: String, distance: Float, runnerUpDistance: Float) {
      self.personID = personID
      self.name = name
      self.distance = distance
      self.runnerUpDistance = runnerUpDistance
    }
  }

  public let model: EmbeddingModel
  public let entries: [Entry]

  public init(model: EmbeddingModel, entries: [Entry]) {
    self.model = model
    self.entries = entries
  }

  /// Loads the embeddings of active people for `model`.
  public init(store: AttendanceStore, model: EmbeddingModel = .standard) throws {
    self.model = model
    entries = try store.galleryEntries(model: model)
  }

  /// The nearest person to `descriptor`, or nil for an empty gallery. `excluding` leaves one person
  /// out (an enrolment checking that a new face is not someone else already enrolled). The search is
  /// the one att-take uses (`DescriptorIndex`, in C++), over the entries left.
  public func nearest(to descriptor: FaceDescriptor, excluding: String? = nil) -> Match? {
    let candidates = entries.filter { $0.personID != excluding }
    var owners: [String: Int32] = [:]
    let ownerOf = candidates.map { entry -> Int32 in
      if let owner = owners[entry.personID] { return owner }
      let owner = Int32(owners.count)
      owners[entry.personID] = owner
      return owner
    }
    guard !candidates.isEmpty, let index = try? DescriptorIndex(descriptors: candidates.map(\.descriptor), owners: ownerOf),
      let nearest = index.nearest(to: descriptor)
    else { return nil }
    let first = candidates[nearest.entry]
    return Match(
      personID: first.personID, name: first.name, distance: nearest.distance,
      runnerUpDistance: nearest.runnerUpEntry == nil ? .infinity : nearest.runnerUpDistance)
  }
}
