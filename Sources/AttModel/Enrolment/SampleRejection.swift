import FaceKit
import Foundation

/// Why a frame or photo gives no enrolment sample.
public enum SampleRejection: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
  case unreadable(code: String, reason: String)
  case noFace
  case severalFaces(Int)
  case tooSmall(size: Int, minimum: Int)
  case blurry(sharpness: Double, minimum: Double)
  case tooDark(brightness: Double, minimum: Double)
  case tooBright(brightness: Double, maximum: Double)
  case lowContrast(contrast: Double, minimum: Double)
  case turned(yaw: Double, maximum: Double)
  case tilted(roll: Double, maximum: Double)
  /// Nearly the same as a sample already taken: it would add nothing.
  case tooSimilar(distance: Float, minimum: Float)
  /// Not the same person as the samples taken before it.
  case differentPerson(distance: Float, maximum: Float)

  /// A stable name for counting and for scripts.
  public var code: String {
    switch self {
    case .unreadable(let code, _): code
    case .noFace: "no_face"
    case .severalFaces: "several_faces"
    case .tooSmall: "too_small"
    case .blurry: "blurry"
    case .tooDark: "too_dark"
    case .tooBright: "too_bright"
    case .lowContrast: "low_contrast"
    case .turned: "not_frontal"
    case .tilted: "tilted"
    case .tooSimilar: "too_similar"
    case .differentPerson: "different_person"
    }
  }

  public var description: String {
    func f(_ value: Double) -> String { String(format: "%.2f", value) }
    func f(_ value: Float) -> String { String(format: "%.2f", value) }
    return switch self {
    case .unreadable(_, let reason): reason
    case .noFace: "no face found"
    case .severalFaces(let n): "\(n) faces (enrolment needs exactly one)"
    case .tooSmall(let size, let minimum): "face is \(size) px wide, under \(minimum) px (come closer)"
    case .blurry(let s, let minimum): "blurred (sharpness \(Int(s)) under \(Int(minimum)); hold still, check focus)"
    case .tooDark(let b, let minimum): "too dark (brightness \(Int(b)) under \(Int(minimum)))"
    case .tooBright(let b, let maximum): "overexposed (brightness \(Int(b)) over \(Int(maximum)))"
    case .lowContrast(let c, let minimum): "washed out (contrast \(Int(c)) under \(Int(minimum)))"
    case .turned(let yaw, let maximum): "head turned (yaw \(f(yaw)) beyond ±\(f(maximum)); face the camera)"
    case .tilted(let roll, let maximum): "head tilted \(Int(roll.rounded()))° (more than \(Int(maximum))°)"
    case .tooSimilar(let d, let minimum): "almost the same as a sample already taken (distance \(f(d)) under \(f(minimum)))"
    case .differentPerson(let d, let maximum): "not the same person as the other samples (distance \(f(d)) over \(f(maximum)))"
    }
  }
}
