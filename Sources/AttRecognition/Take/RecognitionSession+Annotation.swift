import AttendanceKit
import FaceKit
import Foundation

extension RecognitionSession.TrackState {
  /// The box and label att-take draws for this track on an annotated frame (`--annotate`): who it
  /// is and whether marked, asked a challenge step, waiting, a spoof, unknown, or not yet identified.
  func annotation(track id: Int, box: FaceBox, at time: Double) -> FrameAnnotation {
    let verdict = liveness.verdict(at: time)
    if let match = settled {
      let name = match.name ?? match.personID ?? "?"
      let distance = String(format: "%.2f", match.distance ?? 0)
      if !decided, case .asking(let step, let remaining)? = challenge?.state {
        return FrameAnnotation(
          box: box, colour: (60, 140, 255), label: "\(name): \(step.rawValue) (\(Int(remaining.rounded(.up))) s)")
      }
      switch (decided, verdict) {
      case (true, _) where challenge.map({ if case .failed = $0.state { true } else { false } }) == true:
        return FrameAnnotation(box: box, colour: (230, 40, 40), label: "\(name) challenge failed")
      case (true, _): return FrameAnnotation(box: box, colour: (40, 200, 60), label: "\(name) \(distance) marked")
      case (_, .spoof): return FrameAnnotation(box: box, colour: (230, 40, 40), label: "\(name) SPOOF")
      default: return FrameAnnotation(box: box, colour: (240, 200, 0), label: "\(name) \(distance) waiting: blink or move")
      }
    }
    if unknownLogged { return FrameAnnotation(box: box, colour: (230, 40, 40), label: "unknown") }
    return FrameAnnotation(box: box, colour: (160, 160, 160), label: "#\(id)")
  }

}
