import CFaceKit
import Foundation

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
