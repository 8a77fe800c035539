import AttCamera
import AttCommandLine
import AttRecognition
import AttendanceKit
import Foundation

/// What att-take says on the terminal: the start (who is enrolled, liveness) and each decision.
extension AttTake {
  func sayStart(_ run: TakeRun, options: TakeOptions) {
    let matcher = run.session.matcher
    Console.error("att-take: \(run.delivery.summary)")
    let liveness = Self.liveness(options)
    Console.error(
      "att-take: device \(options.deviceID), \(matcher.people.count) people / \(matcher.embeddings) embeddings, "
        + "threshold \(options.threshold), margin \(options.margin), liveness "
        + (liveness.policy == .off
          ? "OFF" + (liveness.cues.map { " (\($0))" } ?? "") : "on (\(liveness.policy.rawValue): \(liveness.cues ?? ""))"))
    if !options.liveness.enabled, options.challenge != nil {
      Console.warning(
        "att-take: warning: the passive liveness cues are off (--liveness off): the challenge alone stands between a photo or a replay and a mark."
      )
    } else if !options.liveness.enabled {
      Console.warning(
        "att-take: WARNING: LIVENESS IS OFF: a photo or a screen held to the camera will be marked present. For testing only.")
    }
    for warning in leftOut(options) { Console.warning("att-take: warning: \(warning)") }
    if let challenge = options.challenge, challenge.steps == 1 {
      Console.warning(
        "att-take: warning: a challenge of 1 step is often passed by chance: a recording of a person turning about answered it in 3 of 11 runs here (use 2 or more; 3 where proxy attendance matters)."
      )
    }
    if matcher.people.isEmpty { Console.warning("att-take: warning: nobody is enrolled; every face will be unknown") }
  }

  /// The liveness policy (gate, kiosk or off) and what it uses, as the start line says it and the
  /// camera's status reports it: "blink + device + motion + screen", "a challenge of 2 steps (2
  /// attempts), then blink + ...", with a site's own lines; off: nil, or "a challenge of 2 steps
  /// (2 attempts) alone".
  static func liveness(_ options: TakeOptions) -> (policy: CameraStatus.LivenessPolicy, cues: String?) {
    let challenge = options.challenge.map {
      "a challenge of \($0.steps) step\($0.steps == 1 ? "" : "s") (\($0.attempts) attempt\($0.attempts == 1 ? "" : "s"))"
    }
    guard options.liveness.enabled else { return (.off, challenge.map { "\($0) alone" }) }
    let cues = options.liveness.cues.sorted().map(\.rawValue).joined(separator: " + ") + siteLines(options.liveness)
    return challenge.map { (.kiosk, "\($0), then \(cues)") } ?? (.gate, cues)
  }

  /// What a site gives up when --liveness-cues leaves out a cue of the default gate: the attacks no
  /// longer refused, or the live faces marked later (figures from the live clips of ../shared).
  private func leftOut(_ options: TakeOptions) -> [String] {
    guard options.liveness.enabled else { return [] }
    let uses = options.liveness.uses
    var warnings: [String] = []
    // With the challenge (the kiosk) a replay must also answer it; at a gate nothing else stands.
    if options.challenge == nil {
      if !uses(.screen) && !uses(.device) {
        warnings.append(
          "--liveness-cues leaves out both screen and device: nothing refuses a replay on a phone, tablet or monitor "
            + "(a video of a person blinks and moves as one, and is marked)")
      } else if !uses(.device) {
        warnings.append(
          "--liveness-cues leaves out device: a phone, tablet or monitor seen around the face is refused only by the moire "
            + "of its screen")
      } else if !uses(.screen) {
        warnings.append(
          "--liveness-cues leaves out screen: a replay that fills the view, with no device in sight around the face, is "
            + "not refused")
      }
    }
    if !uses(.motion) && uses(.blink) {
      warnings.append(
        "--liveness-cues leaves out motion: a face is marked only when it blinks (on the live clips of ../shared, 24 of "
          + "26 live tracks had not within 3 s)")
    }
    return warnings
  }

  /// ", site lines: screen 30.2, flat motion 0.0061" when --liveness-lines moved them from the defaults.
  private static func siteLines(_ liveness: LivenessOptions) -> String {
    let defaults = LivenessOptions()
    guard liveness.screenMoire != defaults.screenMoire || liveness.planarResidual != defaults.planarResidual else { return "" }
    // The lines of the cues in use only.
    var lines: [String] = []
    if liveness.uses(.screen) { lines.append(String(format: "screen %.1f", liveness.screenMoire)) }
    if liveness.uses(.motion) { lines.append(String(format: "flat motion %.4f", liveness.planarResidual)) }
    return lines.isEmpty ? "" : ", site lines: " + lines.joined(separator: ", ")
  }

  /// `--profile`: the stage table on standard error, and with --json one JSON line on standard output.
  func sayProfile(_ profile: StageProfile) {
    for line in profile.lines { Console.error("att-take: \(line)") }
    if take.json, let data = try? JSONSerialization.data(withJSONObject: ["profile": profile.json], options: [.sortedKeys]) {
      Console.output(String(decoding: data, as: UTF8.self))
    }
  }

  func report(_ decision: TakeDecision) throws {
    if take.json {
      Console.output(try JSONText.encode(decision))
    } else if decision.attendance == .undecided {
      return  // counted by reason in the summary; --json gives each track
    } else if Console.isInteractive || decision.attendance != .waitingForLiveness {
      Console.error("att-take: \(decision.line)")
    }
  }
}

extension ToolError {
  /// A camera host's failure, with the exit status of its kind.
  init(_ error: CameraHostError) {
    let status: ExitStatus =
      switch error.kind {
      case .usage: .usage
      case .configuration: .configuration
      case .unavailable: .unavailable
      }
    self.init(error.description, exitCode: status)
  }
}
