import CFaceKit
import Foundation

/// Passive liveness from one face image: colour-texture features (uniform LBP of the grey face, its
/// quarters and its Cr channel; Cr and Cb histograms) scored by a logistic model. A printed photo or a
/// screen re-images the face, which changes fine texture and chroma; a live face does not have them.
public enum TextureFeatures {
  public static var count: Int { Int(cfk_texture_feature_count()) }

  /// The features of the face in `box` (the detector's box, grown by 10% to take in the face's edges).
  public static func of(_ image: Image, box: FaceBox) throws(FaceKitError) -> [Float] {
    var features = [Float](repeating: 0, count: count)
    let region = box.expanded(by: 0.1, width: image.width, height: image.height)
    try native(image.source) { error in
      features.withUnsafeMutableBufferPointer { cfk_texture_features(image.handle, region.inclusiveRect, $0.baseAddress, error) }
    }
    return features
  }
}
