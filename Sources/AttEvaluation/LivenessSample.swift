import AttendanceKit
import FaceKit
import Foundation

/// One labelled image of the liveness material.
public struct LivenessSample: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable, Codable {
    case live
    case print
    case screen
  }
  public enum Split: String, Sendable, Codable {
    case training
    case evaluation
  }
  public let path: String
  public let kind: Kind
  public let subject: String
  public let split: Split
}
