import FaceKit
import Foundation

/// A face accepted for enrolment: the crop that will be stored, its figures and its descriptor.
public struct EnrolmentSample: Sendable {
  /// The face with a margin around it, as JPEG: what goes into `media/` and the register message.
  public let jpeg: Data
  public let quality: FaceQuality
  public let descriptor: FaceDescriptor
  /// Which frame or file it came from.
  public let origin: String
}
