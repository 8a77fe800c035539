import ArgumentParser
import AttendanceKit
import FaceKit

/// The quality gate's thresholds, shared by add, import and check.
struct GateOptions: ParsableArguments {
  @Option(help: "Smallest face width in pixels.")
  var minFace = QualityGate().minFaceSize

  @Option(help: "Smallest sharpness (variance of the Laplacian of the face at 128x128); blurred faces score under 15.")
  var minSharpness = QualityGate().minSharpness

  @Option(
    help:
      "Largest head turn: the nose's offset from the eyes' midpoint as a fraction of the eye distance (about 0.3 at 45 degrees).")
  var maxYaw = QualityGate().maxYaw

  @Option(
    help: "Face detector: retinaface (turned and small faces too) or hog (frontal faces from about 40 px with --upsample 1).")
  var detector: DetectorKind = .retinaface

  @Option(help: "hog: how many times to double the image before detecting (0-2); 1 finds faces down to about 40 px.")
  var upsample = 1

  func validate() throws {
    guard minFace >= 20 else { throw ValidationError("--min-face must be at least 20 pixels.") }
    guard minSharpness >= 0 else { throw ValidationError("--min-sharpness must not be negative.") }
    guard maxYaw > 0 else { throw ValidationError("--max-yaw must be positive.") }
    guard (0...2).contains(upsample) else { throw ValidationError("--upsample must be 0, 1 or 2.") }
  }

  var gate: QualityGate {
    var gate = QualityGate()
    gate.minFaceSize = minFace
    gate.minSharpness = minSharpness
    gate.maxYaw = maxYaw
    return gate
  }

  var engineOptions: FaceEngineOptions {
    FaceEngineOptions(detector: detector, upsample: upsample, jitters: 1, largestOnly: false)
  }
}
