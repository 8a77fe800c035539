import Foundation
import GRDB

/// A face sample as `EmbeddingUpdate` sees it: where its file is, what the file was when last
/// looked at, and the content its embedding (or its failure) was computed from.
public struct SampleState: Sendable, FetchableRecord, Decodable {
  public let id: Int64
  public let mediaPath: String
  public let sha256: String
  public let fileSize: Int64?
  public let fileMtime: Double?
  /// The content that last gave no embedding.
  public let failedSHA256: String?
  /// The content the current model's embedding was computed from.
  public let embeddedSHA256: String?

  enum CodingKeys: String, CodingKey {
    case id, sha256
    case mediaPath = "media_path"
    case fileSize = "file_size"
    case fileMtime = "file_mtime"
    case failedSHA256 = "failed_sha256"
    case embeddedSHA256 = "embedded_sha256"
  }
}
