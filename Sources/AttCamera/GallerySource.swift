import AttQueue
import AttRecognition
import AttendanceKit
import Foundation

/// Where att-take's gallery comes from, asked between frames whether it changed.
public protocol GallerySource: AnyObject {
  /// A matcher for the new gallery when it changed since the last call, else nil. Never waits on
  /// the network: a remote source fetches on a thread of its own.
  func changedMatcher() throws -> GalleryMatcher?
}
