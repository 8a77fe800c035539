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

/// How much a face looks like one shown on a screen (`cfk_screen_look`): `moire`, the strongest
/// periodic component of the skin's fine texture against its band's median (a display's pixel grid
/// aliasing with the camera's); `blackLift`, the face box's 2nd-percentile grey level above the
/// whole frame's (a backlight). Nil when the face is too small (its middle under 32x32 pixels).
public struct ScreenLook: Sendable, Equatable {
  public let moire: Double
  public let blackLift: Double

  public static func of(_ image: Image, box: FaceBox) throws(FaceKitError) -> ScreenLook? {
    var result = cfk_screen_look_result()
    try native(image.source) { cfk_screen_look(image.handle, box.inclusiveRect, &result, $0) }
    return result.moire < 0 ? nil : ScreenLook(moire: result.moire, blackLift: result.black_lift)
  }
}

/// The trained model: standardisation, weights, and the threshold on P(live) chosen at training time.
/// Stored as a small JSON file (Models/liveness-texture.json), reproduced exactly by
/// `att-liveness train` from the training split of ../shared/faces/liveness.
public struct TextureModel: Codable, Sendable, Equatable {
  public var version = 1
  public var featureCount: Int
  public var mean: [Float]
  public var scale: [Float]
  public var weights: [Float]
  public var bias: Float
  /// P(live) below this is a presentation attack.
  public var threshold: Float
  /// What it was trained on, for the record.
  public var trainedOn: String

  enum CodingKeys: String, CodingKey {
    case version, mean, scale, weights, bias, threshold
    case featureCount = "feature_count"
    case trainedOn = "trained_on"
  }

  /// P(live) for one face's features.
  public func liveProbability(_ features: [Float]) -> Float {
    var z = bias
    for i in 0..<min(features.count, weights.count) { z += weights[i] * (features[i] - mean[i]) / scale[i] }
    return 1 / (1 + exp(-z))
  }

  public static func load(_ path: String) throws(FaceKitError) -> TextureModel {
    guard let data = FileManager.default.contents(atPath: path) else { throw .modelMissing(path: path) }
    do {
      let model = try JSONDecoder().decode(TextureModel.self, from: data)
      guard model.version == 1, model.featureCount == TextureFeatures.count, model.weights.count == model.featureCount,
        model.mean.count == model.featureCount, model.scale.count == model.featureCount
      else {
        throw FaceKitError.modelInvalid(
          path: path, detail: "not a version-1 texture model with \(TextureFeatures.count) features")
      }
      return model
    } catch let error as FaceKitError {
      throw error
    } catch {
      throw .modelInvalid(path: path, detail: "not a texture model: \(error.localizedDescription)")
    }
  }

  /// The file's text: fixed key order and 6 significant digits, so that training twice gives the same bytes.
  public func fileText() -> String {
    func list(_ values: [Float]) -> String { "[" + values.map { String(format: "%.6g", $0) }.joined(separator: ",") + "]" }
    return """
      {
        "version": \(version),
        "feature_count": \(featureCount),
        "trained_on": \(String(decoding: try! JSONEncoder().encode(trainedOn), as: UTF8.self)),
        "threshold": \(String(format: "%.6g", threshold)),
        "bias": \(String(format: "%.6g", bias)),
        "mean": \(list(mean)),
        "scale": \(list(scale)),
        "weights": \(list(weights))
      }

      """
  }

  public init(
    featureCount: Int, mean: [Float], scale: [Float], weights: [Float], bias: Float, threshold: Float, trainedOn: String
  ) {
    self.featureCount = featureCount
    self.mean = mean
    self.scale = scale
    self.weights = weights
    self.bias = bias
    self.threshold = threshold
    self.trainedOn = trainedOn
  }
}
