import FaceKit
import Foundation

public enum GalleryUpdateError: Error, Equatable, CustomStringConvertible {
  case deltaWithoutBase
  case foreignDelta(base: GalleryVersion, delta: GalleryVersion)
  case badEmbedding(person: String, index: Int)

  public var description: String {
    switch self {
    case .deltaWithoutBase: "the server sent changes, but this camera holds no gallery to apply them to"
    case .foreignDelta(let base, let delta): "the server sent changes for gallery \(delta), but this camera holds \(base)"
    case .badEmbedding(let person, let index): "person '\(person)': embedding \(index) is not 128 float32 values"
    }
  }
}
