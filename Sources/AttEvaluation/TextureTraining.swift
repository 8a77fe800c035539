import FaceKit
import Foundation

extension TextureModel {
  /// Trains L2-regularised logistic regression by full-batch gradient descent from zero: no
  /// randomness, so the same samples always give the same model. `labels` are 1 for live, 0 for
  /// attacks; classes are weighted to count equally. The threshold is the highest P(live) that still
  /// accepts at least `liveAcceptance` of the live training samples.
  public static func train(
    _ samples: [[Float]], labels: [Int], l2: Float = 0.3, trainedOn: String, iterations: Int = 3000, rate: Float = 0.1,
    liveAcceptance: Double = 0.95
  ) -> TextureModel {
    let n = samples.count, d = samples.first?.count ?? 0
    var mean = [Float](repeating: 0, count: d), scale = [Float](repeating: 0, count: d)
    for s in samples { for j in 0..<d { mean[j] += s[j] / Float(n) } }
    for s in samples { for j in 0..<d { scale[j] += (s[j] - mean[j]) * (s[j] - mean[j]) / Float(n) } }
    scale = scale.map { max(sqrt($0), 1e-3) }
    let x = samples.map { s in (0..<d).map { (s[$0] - mean[$0]) / scale[$0] } }
    let live = labels.filter { $0 == 1 }.count
    let classWeight = labels.map { Float(n) / Float(2 * ($0 == 1 ? live : n - live)) }
    var w = [Float](repeating: 0, count: d), b: Float = 0
    for _ in 0..<iterations {
      var gw = [Float](repeating: 0, count: d), gb: Float = 0
      for i in 0..<n {
        var z = b
        for j in 0..<d { z += w[j] * x[i][j] }
        let error = (1 / (1 + exp(-z)) - Float(labels[i])) * classWeight[i]
        for j in 0..<d { gw[j] += error * x[i][j] }
        gb += error
      }
      for j in 0..<d { w[j] -= rate * (gw[j] / Float(n) + l2 * w[j]) }
      b -= rate * gb / Float(n)
    }
    var model = TextureModel(
      featureCount: d, mean: mean, scale: scale, weights: w, bias: b, threshold: 0.5, trainedOn: trainedOn)
    let liveScores = zip(samples, labels).filter { $0.1 == 1 }.map { model.liveProbability($0.0) }.sorted()
    let index = max(0, min(liveScores.count - 1, Int((1 - liveAcceptance) * Double(liveScores.count))))
    model.threshold = liveScores.isEmpty ? 0.5 : min(0.5, liveScores[index])
    return model
  }
}
