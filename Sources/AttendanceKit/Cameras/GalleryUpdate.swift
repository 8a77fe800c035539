import FaceKit
import Foundation

/// What att-serve sends a camera (`GET /api/gallery`), and what the camera keeps in its cache: only
/// what matching needs (person id, name, the 128-d embeddings of one model), nothing else.
/// A full update replaces the camera's gallery; a delta lists the current state of every person who
/// changed since the camera's version (all their embeddings, replacing what it held) and the ids of
/// those who are gone (removed, or with no embedding left), which the camera must forget.
public struct GalleryUpdate: Sendable, Codable, Equatable {
  public struct Person: Sendable, Codable, Equatable {
    public let id: String
    public let name: String
    /// Each embedding as 512 bytes (128 little-endian float32), base64 in JSON.
    public let embeddings: [Data]

    public init(id: String, name: String, embeddings: [Data]) {
      self.id = id
      self.name = name
      self.embeddings = embeddings
    }
  }

  public let gallery: String
  public let version: Int64
  public let model: String
  public let full: Bool
  public let people: [Person]
  public let removed: [String]

  public init(gallery: String, version: Int64, model: String, full: Bool, people: [Person], removed: [String]) {
    self.gallery = gallery
    self.version = version
    self.model = model
    self.full = full
    self.people = people
    self.removed = removed
  }

  /// The JSON it travels and is cached in: base64 slashes unescaped (a tenth smaller).
  public static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    return encoder
  }

  public var galleryVersion: GalleryVersion { GalleryVersion(gallery: gallery, sequence: version) }

  public var embeddingCount: Int { people.reduce(0) { $0 + $1.embeddings.count } }

  /// This update applied on top of `base` (a full update replaces it): the camera's new gallery, as
  /// one full update. A delta for another database or model is refused.
  public func applied(to base: GalleryUpdate?) throws(GalleryUpdateError) -> GalleryUpdate {
    if full { return self }
    guard let base else { throw .deltaWithoutBase }
    guard base.gallery == gallery, base.model == model else {
      throw .foreignDelta(base: base.galleryVersion, delta: galleryVersion)
    }
    let replaced = Set(people.map(\.id)).union(removed)
    let kept = base.people.filter { !replaced.contains($0.id) }
    let merged = (kept + people).sorted { $0.id < $1.id }
    return GalleryUpdate(gallery: gallery, version: version, model: model, full: true, people: merged, removed: [])
  }

  /// The gallery matching runs on. An embedding that is not 512 bytes is a broken update: refused,
  /// naming the person.
  public func matchingGallery() throws(GalleryUpdateError) -> Gallery {
    var entries: [Gallery.Entry] = []
    entries.reserveCapacity(embeddingCount)
    for person in people {
      for (index, bytes) in person.embeddings.enumerated() {
        guard let descriptor = FaceDescriptor(blob: bytes) else { throw .badEmbedding(person: person.id, index: index) }
        entries.append(Gallery.Entry(personID: person.id, name: person.name, sampleID: Int64(index), descriptor: descriptor))
      }
    }
    return Gallery(model: EmbeddingModel(id: model), entries: entries)
  }
}
