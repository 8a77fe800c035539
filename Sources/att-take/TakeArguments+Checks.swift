import ArgumentParser
import AttRecognition
import AttendanceKit

/// The checks of att-take's options: the liveness cues named, and the combinations and ranges a
/// usage error names before anything is opened.
extension TakeArguments {
  static let defaultCues = "blink,motion,screen,device"

  /// The cues named in `list` ("blink,motion,screen"); an unknown name is a usage error that names it.
  static func cues(_ list: String) throws -> Set<LivenessCue> {
    var cues: Set<LivenessCue> = []
    for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
      guard let cue = LivenessCue(rawValue: name) else {
        throw ValidationError("--liveness-cues: '\(name)' is not a cue (blink, motion, screen, device, context, texture).")
      }
      cues.insert(cue)
    }
    guard !cues.isEmpty else { throw ValidationError("--liveness-cues: name at least one cue, or use --liveness off.") }
    return cues
  }

  func validate() throws {
    _ = try Self.cues(livenessCues ?? Self.defaultCues)
    guard (1...3650).contains(snapshotDays) else {
      throw ValidationError("--snapshot-days \(snapshotDays): give 1 to 3650 days.")
    }
    if livenessPolicy == .off && (liveness == .on || livenessCues != nil) {
      throw ValidationError("--liveness-policy off turns liveness off: it cannot go with --liveness on or --liveness-cues.")
    }
    if livenessOff && livenessLines != nil {
      throw ValidationError("--liveness-lines sets the lines of the liveness cues: it cannot go with liveness off.")
    }
    if let policy = livenessPolicyChoice, policy != .off, liveness == .off {
      throw ValidationError(
        "--liveness-policy \(policy.rawValue) uses the passive cues: it cannot go with --liveness off (--liveness off --challenge keeps the challenge alone; --liveness-policy off is for tests)."
      )
    }
    let cues = try Self.cues(livenessCues ?? Self.defaultCues)
    if !livenessOff && cues.isSubset(of: LivenessCue.attackOnly) {
      throw ValidationError(
        "--liveness-cues \(livenessCues ?? ""): none of these says live (only blink and motion do), so nobody would be marked; add blink or motion."
      )
    }
    let challenging = challenge || livenessPolicy == .kiosk
    if !challenging && (challengeSteps != nil || challengeSeconds != nil || challengeAttempts != nil) {
      throw ValidationError(
        "--challenge-steps, --challenge-seconds and --challenge-attempts set the challenge: use them with --challenge or --liveness-policy kiosk."
      )
    }
    if let challengeSteps, !(1...5).contains(challengeSteps) {
      throw ValidationError("--challenge-steps must be 1 to 5.")
    }
    if let challengeAttempts, !(1...5).contains(challengeAttempts) {
      throw ValidationError("--challenge-attempts must be 1 to 5.")
    }
    if let challengeSeconds, !(challengeSeconds >= 0.5 && challengeSeconds <= 60) {
      throw ValidationError("--challenge-seconds must be 0.5 to 60 seconds (a person needs time to turn).")
    }
    if livenessPolicyChoice == .gate && challenge {
      throw ValidationError(
        "--liveness-policy gate is the passive cues alone; the challenge is the kiosk's: use --liveness-policy kiosk (or --challenge alone)."
      )
    }
    if livenessPolicy == .off && challenge {
      throw ValidationError(
        "--liveness-policy off cannot go with --challenge (--liveness off --challenge keeps the challenge alone).")
    }
    guard threshold > 0 && threshold < 2 else { throw ValidationError("--threshold must be between 0 and 2.") }
    guard margin >= 0 else { throw ValidationError("--margin must not be negative.") }
    guard (1...20).contains(settle) else { throw ValidationError("--settle must be between 1 and 20.") }
    guard (1...2).contains(threads) else { throw ValidationError("--threads must be 1 or 2.") }
    guard (0...2).contains(upsample) else { throw ValidationError("--upsample must be 0, 1 or 2.") }
    if let detectionSide, detectionSide != 0, detectionSide < 160 {
      throw ValidationError("--detection-side must be 0 or at least 160.")
    }
    guard (1...100).contains(searchEvery ?? 1) else { throw ValidationError("--search-every must be between 1 and 100.") }
    guard (0...1000).contains(minFace) else { throw ValidationError("--min-face must be between 0 and 1000 pixels.") }
    guard (20...1000).contains(identifySize) else { throw ValidationError("--identify-size must be between 20 and 1000 pixels.") }
    guard fps > 0 else { throw ValidationError("--fps must be positive.") }
    if let maxFps, !(maxFps >= 0.1 && maxFps <= 240) { throw ValidationError("--max-fps must be 0.1 to 240 frames a second.") }
    if let opencvThreads, !(0...64).contains(opencvThreads) { throw ValidationError("--opencv-threads must be 0 to 64.") }
    if let device, let problem = DeviceID.problem(device) { throw ValidationError("--device: \(problem).") }
    if let name, name.count > 100 { throw ValidationError("--name: use at most 100 characters.") }
    guard statusEvery == 0 || (0.5...3600).contains(statusEvery) else {
      throw ValidationError("--status-every must be 0 (none) or 0.5 to 3600 seconds.")
    }
  }
}
