import CFaceKit

/// Many face descriptors in one block of memory for 1:N search: the nearest entry to a probe and
/// the nearest entry belonging to a different owner (a person), so a caller can ask both "who is
/// closest" and "by how much".
///
/// Searching uses scratch space: one thread at a time per index (give each thread its own).
public final class DescriptorIndex {
  private let handle: OpaquePointer
  /// The owner of each entry, as given.
  public let owners: [Int32]

  /// The nearest entry and the nearest entry of another owner.
  public struct Nearest: Sendable, Equatable {
    public let entry: Int
    public let distance: Float
    /// nil when every entry has the same owner.
    public let runnerUpEntry: Int?
    public let runnerUpDistance: Float
  }

  public init(descriptors: [FaceDescriptor], owners: [Int32]) throws(FaceKitError) {
    guard descriptors.count == owners.count else {
      throw .invalidArgument("\(descriptors.count) descriptors but \(owners.count) owners")
    }
    var flat: [Float] = []
    flat.reserveCapacity(descriptors.count * FaceDescriptor.dimension)
    for descriptor in descriptors { flat += descriptor.values }
    var gallery: OpaquePointer?
    try native("descriptor index") { error in
      flat.withUnsafeBufferPointer { vectors in
        owners.withUnsafeBufferPointer {
          cfk_gallery_new(vectors.baseAddress, $0.baseAddress, descriptors.count, &gallery, error)
        }
      }
    }
    handle = gallery!
    self.owners = owners
  }

  deinit { cfk_gallery_free(handle) }

  public var count: Int { owners.count }

  /// The nearest entries to `probe`, or nil for an empty index.
  public func nearest(to probe: FaceDescriptor) -> Nearest? {
    guard !owners.isEmpty else { return nil }
    var match = cfk_match()
    probe.values.withUnsafeBufferPointer { cfk_gallery_nearest(handle, $0.baseAddress, &match) }
    return Nearest(
      entry: match.entry, distance: match.distance,
      runnerUpEntry: match.runner_up_entry >= 0 ? match.runner_up_entry : nil, runnerUpDistance: match.runner_up_distance)
  }
}
