import AttendanceKit

/// The fusion of the cues' votes into a verdict, apart from the cues themselves.
public enum LivenessFusion {
  /// Any attack vote makes an attack (a live cue cannot outvote it: a replayed video blinks);
  /// otherwise any live vote makes a person, once no cue is `pending`; no vote, waiting.
  public static func fuse(_ votes: [LivenessCue: Bool], pending: Set<LivenessCue> = []) -> LivenessVerdict {
    if votes.values.contains(false) { return .spoof }
    return votes.values.contains(true) && pending.isEmpty ? .live : .waiting
  }

  /// The votes for people: the cues that voted attack, each with its name in --liveness-cues, else
  /// those that voted live, e.g. "blink", "a screen's moire (screen)"; nil without a vote.
  public static func describe(_ votes: [LivenessCue: Bool]) -> String? {
    let attack = votes.filter { !$0.value }.keys.sorted()
    let live = votes.filter { $0.value }.keys.sorted()
    func name(_ cue: LivenessCue, _ live: Bool) -> String {
      switch cue {
      case .blink: "blink"
      case .motion: live ? "solid head motion" : "flat motion"
      case .texture: "print/screen texture"
      case .context: "a frame around the face that moves with it"
      case .screen: "a screen's moire"
      case .device: "a phone, screen or held picture around the face"
      }
    }
    // An attack names its cues as --liveness-cues does, so a refused live face can be traced to one.
    if !attack.isEmpty { return attack.map { "\(name($0, false)) (\($0.rawValue))" }.joined(separator: ", ") }
    if !live.isEmpty { return live.map { name($0, true) }.joined(separator: ", ") }
    return nil
  }
}
