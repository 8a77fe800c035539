import Foundation

/// Everything the face engine can refuse, each case carrying what a person needs to act on it.
public enum FaceKitError: Error, Equatable, Sendable {
  /// No file at the path.
  case fileNotFound(path: String)
  /// The path exists but cannot be read (a folder, no permission, an I/O error).
  case fileUnreadable(path: String, reason: String)
  /// A file to be written cannot be (no such folder, no permission, a full disk).
  case fileUnwritable(path: String, reason: String)
  /// The file or buffer holds no bytes.
  case emptyFile(path: String)
  /// The bytes are not an image format the engine decodes (text, GIF, an unknown container).
  case unsupportedFormat(path: String, detail: String)
  /// The format is known but the data is corrupt.
  case undecodable(path: String, detail: String)
  /// The image decodes, but nothing in it is visible: fully transparent (alpha 0 everywhere).
  case invisible(path: String)
  /// A JPEG that stops before its end-of-image marker: only part of the picture is there.
  case truncated(path: String)
  /// The image has more pixels than the configured limit; raise the limit to accept it.
  case tooLarge(path: String, width: Int, height: Int, limit: Int)
  /// A camera, video file or stream that does not open or stops delivering frames.
  case sourceUnavailable(source: String, detail: String)
  /// A model file is not where the engine looked for it.
  case modelMissing(path: String)
  /// A model file exists but does not load as the expected dlib network (corrupt, wrong file).
  case modelInvalid(path: String, detail: String)
  /// A caller passed a value outside what the engine accepts (an option out of range).
  case invalidArgument(String)
  /// The engine ran out of memory on this input.
  case outOfMemory(context: String)
  /// dlib or OpenCV failed in a way none of the cases above describes.
  case engineFailure(context: String, detail: String)
}

extension FaceKitError: CustomStringConvertible, LocalizedError {
  /// The file, model or step the error is about.
  public var subject: String {
    switch self {
    case .fileNotFound(let path), .fileUnreadable(let path, _), .fileUnwritable(let path, _), .emptyFile(let path),
      .unsupportedFormat(let path, _),
      .undecodable(let path, _), .invisible(let path), .truncated(let path), .tooLarge(let path, _, _, _),
      .modelMissing(let path),
      .modelInvalid(let path, _), .sourceUnavailable(let path, _):
      path
    case .invalidArgument: "argument"
    case .outOfMemory(let context), .engineFailure(let context, _): context
    }
  }

  /// What went wrong, without the subject: for JSON lines that carry the file name in their own field.
  public var reason: String {
    switch self {
    case .fileNotFound: "no such file"
    case .fileUnreadable(_, let reason): "cannot read: \(reason)"
    case .fileUnwritable(_, let reason): "cannot write: \(reason)"
    case .emptyFile: "empty file (0 bytes)"
    case .unsupportedFormat(_, let detail): "not a supported image: \(detail)"
    case .undecodable(_, let detail): "corrupt image: \(detail)"
    case .invisible: "fully transparent (alpha 0 everywhere): nothing in it is visible; save it without transparency"
    case .truncated: "truncated JPEG (the data ends before the end-of-image marker)"
    case .tooLarge(_, let width, let height, let limit) where width > 0:
      "\(width)x\(height) is \(width * height) pixels, over the limit of \(limit) (raise it with --max-pixels or ATT_MAX_PIXELS)"
    case .tooLarge(_, _, _, let limit): "over the limit of \(limit) pixels (raise it with --max-pixels or ATT_MAX_PIXELS)"
    case .sourceUnavailable(_, let detail): "cannot read frames: \(detail)"
    case .modelMissing: "model file not found (run Scripts/fetch-models, or point --models or ATT_MODELS at the folder)"
    case .modelInvalid(_, let detail): "model file does not load: \(detail) (run Scripts/fetch-models to restore it)"
    case .invalidArgument(let detail): detail
    case .outOfMemory: "out of memory"
    case .engineFailure(_, let detail): "face engine failed: \(detail)"
    }
  }

  /// A stable machine-readable name for the case, for scripts that branch on the kind of failure.
  public var code: String {
    switch self {
    case .fileNotFound: "not_found"
    case .fileUnreadable: "unreadable"
    case .fileUnwritable: "unwritable"
    case .emptyFile: "empty"
    case .unsupportedFormat: "unsupported_format"
    case .undecodable: "corrupt"
    case .invisible: "transparent"
    case .truncated: "truncated"
    case .tooLarge: "too_large"
    case .sourceUnavailable: "source_unavailable"
    case .modelMissing: "model_missing"
    case .modelInvalid: "model_invalid"
    case .invalidArgument: "invalid_argument"
    case .outOfMemory: "out_of_memory"
    case .engineFailure: "engine_failure"
    }
  }

  public var description: String { "\(subject): \(reason)" }

  public var errorDescription: String? { description }
}
