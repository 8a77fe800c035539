import Foundation

/// What each figure of `TrackLiveness.figures` means, for people reading `--verbose` or the JSON
/// lines' `liveness_figures`: one line per figure, in the order the cues are fused.
public enum LivenessFigures {
  /// The legend at `options`' lines, "name: meaning" per figure.
  public static func legend(_ options: LivenessOptions) -> [String] {
    let flat = String(format: "%.4f", options.planarResidual), solid = String(format: "%.2f", options.solidResidual)
    return [
      "blinks: blinks seen (the eye ratio dips under \(options.closeFraction) of its open level and comes back within \(Int(options.minClosure * 1000))-\(Int(options.maxClosure * 1000)) ms)",
      "ear, ear_open, ear_noise: the eye aspect ratio now, its open-eye level, and its robust deviation",
      "moving_pairs: pairs of frames in which the face moved at least \(options.minMotion) eye distances",
      "planar_residual: the median residual of the recent moving pairs' texture after one homography, in eye distances (flat under \(flat); the head moved as a solid over \(solid), over \(options.solidPairs) pairs)",
      "planar_residual_low: its lowest running median (what the flat line must stay under)",
      "planar_pairs: moving pairs whose residual was under the flat line",
      "screen_moire, screen_moire_peak: the median moire of the recent face crops, and its highest running median (the screen line: \(String(format: "%.1f", options.screenMoire)))",
      "screen_held: crops whose median stood between the highest live figure measured and the screen line (a live verdict waited)",
      "black_lift: the face's 2nd-percentile grey above the frame's (a screen lifts its blacks; shown, not a vote)",
      "device_looks, device_on: looks for a device around the face, and those that found it on a phone, laptop or monitor",
      "frame_held: looks in which straight edges stayed around the moving face (a held phone's or tablet's border)",
      "context_held, context_free, context_camera: pairs in which the surroundings moved with the face, stayed still, or the camera moved (the context cue, not a default)",
      "texture, texture_samples: the texture model's median P(live) over the crops scored, and how many (the texture cue, not a default)",
    ]
  }
}
