import ArgumentParser
import FaceKit

/// `--models`: the folder with dlib's model files. Shared by every tool that analyses faces.
public struct ModelOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Folder with the dlib model files (default: $ATT_MODELS, else ./Models).", valueName: "dir"))
  public var models: String?

  public init() {}

  public var modelSet: ModelSet { ModelSet.locate(explicit: models) }

  /// A face engine with `options`; a missing or broken model is a clear error with exit status 2.
  public func engine(_ options: FaceEngineOptions) throws -> FaceEngine {
    do {
      return try FaceEngine(models: modelSet, options: options)
    } catch {
      throw ToolError(error.description, exitCode: .models)
    }
  }
}

/// `--detector retinaface|hog|cnn`, for every tool that detects faces.
extension DetectorKind: ExpressibleByArgument {}
