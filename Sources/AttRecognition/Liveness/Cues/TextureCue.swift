import AttendanceKit
import FaceKit
import Foundation

/// The texture cue: a colour-texture classifier (Models/liveness-texture.json) on the face crop every
/// `textureInterval` seconds. Prints and screens re-image a face, which changes its fine texture and
/// colour. Votes attack only.
public struct TextureCue: TrackCue {
  public static let cue = LivenessCue.texture
  let options: LivenessOptions
  let model: TextureModel
  /// P(live) of the face crops scored so far (the recent 50).
  public private(set) var scores: [Double] = []
  private var last: Double?

  init(options: LivenessOptions, model: TextureModel) {
    self.options = options
    self.model = model
  }

  public mutating func observe(_ sample: CueSample) throws(FaceKitError) {
    guard let frame = sample.frame, let box = sample.box, last.map({ sample.time - $0 >= options.textureInterval }) ?? true
    else { return }
    observe(Double(model.liveProbability(try TextureFeatures.of(frame, box: box))), at: sample.time)
  }

  /// Feeds the model's P(live) for the face crop at `time`.
  public mutating func observe(_ liveProbability: Double, at time: Double) {
    last = time
    scores.append(liveProbability)
    if scores.count > 50 { scores.removeFirst(scores.count - 50) }
  }

  public func vote(at time: Double) -> Bool? {
    scores.count >= options.textureSamples && median(scores) < Double(model.threshold) ? false : nil
  }

  public var isPending: Bool { scores.count < options.textureSamples }

  public func addFigures(to figures: inout [String: Double]) {
    guard !scores.isEmpty else { return }
    figures["texture"] = rounded(median(scores), 3)
    figures["texture_samples"] = Double(scores.count)
  }
}
