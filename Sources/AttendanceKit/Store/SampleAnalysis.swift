import Foundation
import GRDB

/// What analysing one sample's file gave.
public struct SampleAnalysis: Sendable {
  public enum Result: Sendable {
    /// The largest face's embedding, and the image's size.
    case embedded(vector: Data, width: Int?, height: Int?)
    /// No embedding, and why.
    case failed(code: String, reason: String)
  }

  public let sampleID: Int64
  /// The file as analysed: its content, size and modification time.
  public let sha256: String
  public let size: Int64
  public let mtime: Double
  public let result: Result

  public init(sampleID: Int64, sha256: String, size: Int64, mtime: Double, result: Result) {
    self.sampleID = sampleID
    self.sha256 = sha256
    self.size = size
    self.mtime = mtime
    self.result = result
  }
}
