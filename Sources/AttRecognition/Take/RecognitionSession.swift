import AttendanceKit
import FaceKit
import Foundation

/// The second stage of att-take, as a state machine: it runs the liveness cues on each track found by
/// the first stage, identifies a track with a few descriptors until it is settled, and says once what
/// should happen to it (`TrackEvent`). It does no file or network I/O: the caller (`TakeRun`) writes
/// the snapshots, delivers the messages and keeps the counts. Frames must arrive in order; everything
/// here runs on one thread, so a run gives the same events whatever the number of pipeline threads.
public final class RecognitionSession {
  public let options: TakeOptions
  private let landmarks5: LandmarkPredictor
  private let landmarks68: LandmarkPredictor?
  private let encoder: FaceEncoder
  /// The device cue's detector (liveness with the device cue only).
  private let objects: ObjectDetector?
  public private(set) var matcher: GalleryMatcher
  private var states: [Int: TrackState] = [:]
  /// Tracks seen so far.
  public private(set) var tracksStarted = 0
  /// Times the per-face stages (`att-take --profile`).
  public var profile: StageProfile?

  /// One track's state (internal for the annotation's extension).
  struct TrackState {
    var liveness: TrackLiveness
    var matches: [GalleryMatcher.Identification] = []
    var lastAttempt: Double?
    var attempts = 0
    var settled: GalleryMatcher.Identification?
    /// When a descriptor last agreed with `settled` (nil: not since the track was lost for a moment).
    /// The follower keeps a track through a short gap, and the next person at a turnstile, or a live
    /// face swapped in for a photo, can step into it: the identity is checked again, and a mark needs
    /// one made after the face was judged live.
    var verifiedAt: Double?
    /// Descriptors in a row that were clearly someone else (`identityChanged` at `changeAfter`).
    var mismatches = 0
    /// When the verdict first said live (or liveness was off).
    var liveSince: Double?
    var unknownLogged = false
    /// Marked, or refused for good (an attack vote or a failed challenge): nothing more to say.
    var decided = false
    var waitingReported = false
    var last: (frame: Int, time: Double, box: FaceBox)?
    var first = 0.0
    /// Challenge mode: this track's random challenge, started when it is recognised, and a new one
    /// after a failed attempt while attempts are left.
    var challenge: Challenge?
    var challengeAsked: Int?
    var yaw: Double?
    /// Frames the face was on, its widest (px) and its least turn: why it was never identified.
    var frames = 0
    var widest = 0.0
    var leastTurn: Double?
  }

  public init(models: ModelSet, options: TakeOptions, matcher: GalleryMatcher) throws(FaceKitError) {
    self.options = options
    landmarks5 = try LandmarkPredictor(modelPath: try models.path(of: .landmarks5))
    landmarks68 =
      options.liveness.enabled || options.challenge != nil
      ? try LandmarkPredictor(modelPath: try models.path(of: .landmarks68)) : nil
    encoder = try FaceEncoder(modelPath: try models.path(of: .recognition))
    objects = options.liveness.enabled && options.liveness.uses(.device) ? try ObjectDetector(models: models) : nil
    self.matcher = matcher
  }

  /// Processes one frame; returns what should happen to its tracks and the boxes to draw.
  public func process(_ frame: DetectedFrame) throws -> (events: [TrackEvent], annotations: [FrameAnnotation]) {
    profile?.frame(faces: frame.faces.count)
    var events = frame.endedTracks.compactMap { end(track: $0) }
    let ids = frame.tracks
    var annotations: [FrameAnnotation] = []
    for (face, id) in zip(frame.faces, ids) {
      if states[id] == nil {
        states[id] = TrackState(liveness: TrackLiveness(options: options.liveness), first: frame.time)
        tracksStarted += 1
      }
      let previous = states[id]!.last
      if let previous, frame.time - previous.time > Self.reacquireGap { states[id]!.verifiedAt = nil }
      states[id]!.last = (frame.index, frame.time, face.box)
      states[id]!.frames += 1
      states[id]!.widest = max(states[id]!.widest, Double(face.box.width))
      if needsNothing(states[id]!, at: frame.time) {
        profile?.count(.skipped)
        annotations.append(states[id]!.annotation(track: id, box: face.box, at: frame.time))
        continue
      }
      let unknown = states[id]!.unknownLogged && states[id]!.settled == nil
      let shape = try profile.time(.landmarks5) { try landmarks5.landmarks(of: face, in: frame.image) }
      if let turn = shape.face.turn { states[id]!.leastTurn = min(states[id]!.leastTurn ?? turn, turn) }
      // Liveness looks at faces large enough to identify (it is needed only once a track is known,
      // and starts as identification does), and not at a track found to be nobody enrolled.
      if let landmarks68, !unknown, !states[id]!.decided, face.box.width >= max(options.liveness.minFace, options.identifySize) {
        let points = try profile.time(.landmarks68) { try landmarks68.landmarks(of: face, in: frame.image).points }
        try profile.time(.liveness) { try states[id]!.liveness.observe(points, box: face.box, in: frame.image, at: frame.time) }
        // The device cue's detector (tens of ms a look) looks only at a track matched to someone enrolled.
        if let objects, states[id]!.matches.last?.personID != nil, states[id]!.liveness.deviceLookDue(at: frame.time) {
          _ = try profile.time(.device) {
            try states[id]!.liveness.look(with: objects, around: face.box, in: frame.image, at: frame.time)
          }
        }
        states[id]!.yaw = Challenge.yaw(from68: points)
      }
      if let newcomer = try identify(id, shape: shape, frame: frame) {
        // Someone else is on the track now: the one it was ends where it was last seen, and the
        // newcomer starts a track of their own (liveness from scratch).
        states[id]!.last = previous
        if let event = end(track: id) { events.append(event) }
        var fresh = TrackState(liveness: TrackLiveness(options: options.liveness), first: frame.time)
        fresh.last = (frame.index, frame.time, face.box)
        fresh.matches = [newcomer]
        fresh.lastAttempt = frame.time
        fresh.attempts = 1
        states[id] = fresh
        tracksStarted += 1
      }
      if let event = decide(id, face: face, frame: frame) { events.append(event) }
      annotations.append(states[id]!.annotation(track: id, box: face.box, at: frame.time))
    }
    // Stills: a face is decided on its image alone, and ends with it.
    if options.stills { events += ids.compactMap { end(track: $0) } }
    return (events, annotations)
  }

  /// Ends every open track (end of the source, or a stop); returns the last events.
  public func finish() -> [TrackEvent] {
    states.keys.sorted().compactMap { end(track: $0) }
  }

  // MARK: identity

  /// Identifies a track until it is settled, then checks that it is still that person. Returns the
  /// match of a newcomer when the face on the track was clearly someone else `changeAfter` times in
  /// a row (the caller starts a track for them).
  private func identify(_ id: Int, shape: FaceLandmarks, frame: DetectedFrame) throws -> GalleryMatcher.Identification? {
    var state = states[id]!
    defer { states[id] = state }
    // Only faces large and frontal enough to give a reliable descriptor are tried; the others wait.
    guard shape.face.box.width >= options.identifySize else { return nil }
    if let turn = shape.face.turn, turn > options.maxTurn { return nil }
    guard identifyDue(state, at: frame.time) else { return nil }
    state.lastAttempt = frame.time
    guard
      let descriptor = try profile.time(.descriptor, { try encoder.descriptors(for: [shape], in: frame.image, jitters: 1).first })
    else { return nil }
    let match = profile.time(.match) { matcher.identify(descriptor, threshold: options.threshold, margin: options.margin) }
    if let settled = state.settled {
      switch verify(match, against: settled) {
      case true?:
        state.verifiedAt = frame.time
        state.mismatches = 0
      case false?:
        state.mismatches += 1
        if state.mismatches >= Self.changeAfter { return match }
      case nil: break
      }
      return nil
    }
    state.attempts += 1
    state.matches.append(match)
    let recent = state.matches.suffix(options.settleMatches)
    if recent.count == options.settleMatches, let person = recent.first?.personID, recent.allSatisfy({ $0.personID == person }) {
      // The settled identity reports the closest of the agreeing matches.
      state.settled = recent.min { ($0.distance ?? .infinity) < ($1.distance ?? .infinity) }
      state.verifiedAt = frame.time
      // Liveness earned before the face could be identified (turned away, too small) may be another
      // face's: a live face shown first, then a photo swapped in. It is earned again on this one.
      if state.liveness.verdict(at: frame.time) == .live {
        state.liveness = TrackLiveness(options: options.liveness)
      }
    }
    return nil
  }

  /// Whether `match` is the settled person (true), clearly someone else (false: another person
  /// accepted, or nobody within the threshold and a slack), or cannot say (nil: a poor frame of the
  /// same face may come between).
  private func verify(_ match: GalleryMatcher.Identification, against settled: GalleryMatcher.Identification) -> Bool? {
    let distance = Double(match.distance ?? .infinity), limit = Double(options.threshold) + Self.verifySlack
    if match.nearestPersonID == settled.personID && distance <= limit { return true }
    if match.personID != nil || distance > limit { return false }
    return nil
  }

  /// A track unseen for longer than this (seconds) may carry someone else when it is seen again.
  static let reacquireGap = 0.3
  /// Descriptors in a row that must be clearly someone else before a track is taken to hold a newcomer.
  static let changeAfter = 2
  /// How much further than --threshold a descriptor of the settled person may be (a poor frame).
  static let verifySlack = 0.1
  /// How often a marked (or refused) track is checked to still be its person.
  static let decidedCheckInterval = 1.0

  /// Whether this frame's face of a track needs no landmarks, liveness or descriptor: the track was
  /// marked (or refused) and settled, or it was found to be nobody enrolled and is not due another
  /// try (a face that turns towards the camera may still match, so it is tried once a second).
  private func needsNothing(_ state: TrackState, at time: Double) -> Bool {
    if state.decided { return !identifyDue(state, at: time) }
    return state.unknownLogged && state.settled == nil && !identifyDue(state, at: time)
  }

  /// Whether a track not yet settled may be tried again at `time`: every `recheckInterval`, and
  /// once a second once it was found to be nobody enrolled.
  private func identifyDue(_ state: TrackState, at time: Double) -> Bool {
    // A settled track seen again after a gap, or judged live since its identity was last checked,
    // is checked soon (at most ten times a second while no descriptor agrees).
    let urgent =
      state.settled != nil && (state.verifiedAt == nil || (state.liveSince.map { $0 > state.verifiedAt! } ?? false))
    let interval =
      urgent ? 0.1 : state.decided ? Self.decidedCheckInterval : state.unknownLogged ? 1.0 : options.recheckInterval
    guard let last = state.lastAttempt else { return true }
    return time - last >= interval
  }

  // MARK: decisions

  private func decide(_ id: Int, face: DetectedFace, frame: DetectedFrame) -> TrackEvent? {
    var state = states[id]!
    defer { states[id] = state }
    let verdict = state.liveness.verdict(at: frame.time)
    func decision(_ attendance: TakeDecision.Attendance, _ match: GalleryMatcher.Identification?, reason: String? = nil)
      -> TakeDecision
    {
      TakeDecision(
        frame: frame.index, time: frame.time, track: id, trackStart: state.first, box: face.box, person: match?.personID,
        name: match?.name,
        distance: match?.distance, margin: match?.margin, liveness: verdict, livenessFigures: state.liveness.figures,
        attendance: attendance, reason: reason)
    }
    guard let match = state.settled else {
      let recent = state.matches.suffix(options.unknownAfter)
      guard !state.unknownLogged, recent.count == options.unknownAfter, recent.allSatisfy({ $0.personID == nil }) else {
        return nil
      }
      state.unknownLogged = true
      let nearest = recent.min { ($0.distance ?? .infinity) < ($1.distance ?? .infinity) }
      return .unknown(decision(.unknown, nearest, reason: unknownReason(nearest)), nearest: nearest)
    }
    guard !state.decided else { return nil }
    if let challengeOptions = options.challenge, verdict != .spoof {
      switch challengeTurn(&state, name: match.name ?? match.personID ?? "?", options: challengeOptions, at: frame.time) {
      case .passed: break
      case .quiet: return nil
      case .say(let attendance, let reason): return .report(decision(attendance, match, reason: reason))
      }
    }
    switch verdict {
    case .spoof:
      // An attack vote is final: its line is the track's last (no second line when it ends).
      state.decided = true
      return .report(decision(.spoof, match, reason: attackReason(state.liveness, at: frame.time)))
    case .waiting:
      // A still is never live: its one line comes when its track ends, with the reason.
      guard !state.waitingReported, !options.stills else { return nil }
      state.waitingReported = true
      return .report(decision(.waitingForLiveness, match, reason: state.liveness.waitingReason(at: frame.time)))
    case .live, .off:
      // The face judged live must be the one identified: a descriptor after the live verdict agrees
      // (on the next frontal frame; a live face swapped in for a photo is found so).
      if state.liveSince == nil { state.liveSince = frame.time }
      guard state.mismatches == 0, let verified = state.verifiedAt, verified >= state.liveSince! else { return nil }
      state.decided = true
      var liveBecause = verdict == .off ? "liveness off" : state.liveness.reason(at: frame.time).map { "live: \($0)" }
      if let challenge = state.challenge {
        // The kiosk says the challenge was passed, and on which attempt.
        let attempt = challenge.attempt > 1 ? ", attempt \(challenge.attempt)" : ""
        let passed = "the challenge passed (\(challenge.steps.count) step\(challenge.steps.count == 1 ? "" : "s")\(attempt))"
        liveBecause = [passed, liveBecause].compactMap { $0 }.joined(separator: "; ")
      }
      // What the delivery makes of it (recorded, duplicate, queued, refused) is the caller's to say.
      return .present(decision(.recorded, match, reason: liveBecause), match: match)
    }
  }

  /// A track that ends recognised but neither marked nor refused is reported once more with its
  /// final liveness figures, so the operator sees who left unmarked and why; one that ends with
  /// neither an identity nor "unknown" is reported as undecided, with why.
  private func end(track id: Int) -> TrackEvent? {
    guard let state = states.removeValue(forKey: id), let last = state.last else { return nil }
    guard let match = state.settled else {
      guard !state.unknownLogged else { return nil }
      let (kind, reason) = undecidedReason(state)
      return .undecided(
        TakeDecision(
          frame: last.frame, time: last.time, track: id, trackStart: state.first, box: last.box, person: nil, name: nil,
          distance: state.matches.compactMap(\.distance).min(), margin: nil, liveness: state.liveness.verdict(at: last.time),
          livenessFigures: state.liveness.figures, attendance: .undecided, reason: reason), kind: kind)
    }
    guard !state.decided else { return nil }
    let verdict = state.liveness.verdict(at: last.time)
    let (kind, reason) = unmarkedReason(state, verdict: verdict, at: last.time)
    return .unmarked(
      TakeDecision(
        frame: last.frame, time: last.time, track: id, trackStart: state.first, box: last.box, person: match.personID,
        name: match.name,
        distance: match.distance, margin: match.margin, liveness: verdict, livenessFigures: state.liveness.figures,
        attendance: .notMarked, reason: reason), kind: kind)
  }

  /// Matches against a new gallery from here on (people enrolled or removed while running).
  public func use(_ fresh: GalleryMatcher) {
    matcher = fresh
    // A person removed meanwhile is forgotten by the open tracks too: one settled as them, or on
    // the way to it, starts again against the new gallery.
    let known = Set(fresh.people.map(\.id))
    for (id, state) in states where !state.decided {
      if let person = state.settled?.personID, !known.contains(person) { states[id]!.settled = nil }
      states[id]!.matches.removeAll { $0.personID.map { !known.contains($0) } ?? false }
    }
  }
}
