import AttendanceKit
import FaceKit
import Foundation

/// One labelled video for scoring the liveness cues over time, as att-take runs them.
public struct LivenessPresentation: Sendable, Codable, Equatable {
  /// A short name: kind, how it was made, from what ("screen-replay-hand-..."); a real recording's
  /// is its place in the folder of recordings ("replay/phone-table.mp4").
  public let name: String
  public let kind: LivenessSample.Kind
  /// What it is, for the report: "real video", "real printed photo, hand-held", ...
  public let material: String
  public let path: String

  public init(name: String, kind: LivenessSample.Kind, material: String, path: String) {
    self.name = name
    self.kind = kind
    self.material = material
    self.path = path
  }

  /// The attack type the report counts it under: print, screen photo or screen replay (live for
  /// bona fide presentations).
  public var attackType: String {
    switch kind {
    case .live: "live"
    case .screen: name.hasPrefix("screen-replay") || name.hasPrefix("replay/") ? "screen replay" : "screen photo"
    default: "print"
    }
  }
}
