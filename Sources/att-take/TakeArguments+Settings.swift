import ArgumentParser
import AttCommandLine
import AttFrames
import AttRecognition
import AttendanceKit
import FaceKit
import FaceVideo
import Foundation

/// What att-take's options give: the recognition settings and the camera's status reports.
extension TakeArguments {
  /// The recognition settings these options give for `frames`.
  func takeOptions(for frames: FrameSource, models: ModelSet) throws -> TakeOptions {
    var options = TakeOptions(deviceID: device ?? DeviceID.defaultID(host: ProcessInfo.processInfo.hostName, source: source))
    options.threshold = threshold
    options.margin = margin
    options.settleMatches = settle
    options.use(detector.kind, searchSide: detectionSide)
    options.upsample = upsample
    if detector == .retinaface {
      options.follow.searchEvery = searchEvery ?? 0
      options.follow.minFace = minFace
    }
    options.identifySize = identifySize
    // One image is a still whatever the flag: it has no next frame to settle on.
    if case .image = frames { options.useStills() } else if stills { options.useStills() }
    options.classID = classID
    options.direction = direction
    options.snapshots = snapshots
    options.snapshotDays = snapshotDays
    options.liveness.enabled = !livenessOff
    options.liveness.cues = try Self.cues(livenessCues ?? Self.defaultCues)
    if let livenessLines {
      do throws(LivenessLines.LinesError) {
        let lines = try LivenessLines.apply(file: livenessLines, to: &options.liveness)
        if let warning = lines.warning(for: livenessLines) { Console.warning("att-take: warning: \(warning)") }
        // A line under the default refuses for good any live face over it that its recordings did not show.
        if options.liveness.uses(.screen), let warning = lines.belowDefault(LivenessOptions()) {
          Console.warning("att-take: warning: \(livenessLines): \(warning)")
        }
      } catch { throw ToolError("--liveness-lines: \(error.description)", exitCode: .configuration) }
    }
    if options.liveness.cues.contains(.texture) {
      do {
        options.liveness.textureModel = try TextureModel.load(models.texturePath)
      } catch {
        throw ToolError("--liveness-cues texture: \(error)", exitCode: .models)
      }
    }
    if challenge || livenessPolicy == .kiosk {
      var challengeOptions = ChallengeOptions()
      if let challengeSteps { challengeOptions.steps = challengeSteps }
      if let challengeSeconds { challengeOptions.secondsPerStep = challengeSeconds }
      if let challengeAttempts { challengeOptions.attempts = challengeAttempts }
      options.challenge = challengeOptions
    }
    return options
  }

  /// The camera's status as reported every --status-every seconds (nil: none).
  /// With the camera's liveness policy and what it uses (`AttTake.liveness`), for the dashboard.
  func status(deviceID: String, liveness: (policy: CameraStatus.LivenessPolicy, cues: String?)) -> CameraStatus? {
    guard statusEvery > 0 else { return nil }
    var status = CameraStatus(deviceID: deviceID, name: name, sourceKind: DeviceID.kind(of: source), interval: statusEvery)
    status.livenessPolicy = liveness.policy
    status.livenessCues = liveness.cues.map { String($0.prefix(200)) }
    return status
  }
}

extension TakeArguments {
  /// The detectors att-take runs on frames, the only values its help offers (cnn is for photos:
  /// att-register and att-extract).
  enum VideoDetector: String, ExpressibleByArgument, CaseIterable {
    case retinaface, hog
    var kind: DetectorKind { self == .retinaface ? .retinaface : .hog }
  }
}
