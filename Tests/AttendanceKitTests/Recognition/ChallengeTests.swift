import AttTestSupport
import FaceKit
import Foundation
import Testing

@testable import AttRecognition
@testable import AttendanceKit

/// One scripted frame: time, head yaw (nil: no landmarks), blinks seen so far.
typealias Scripted = (time: Double, yaw: Double?, blinks: Int)

func play(_ challenge: inout Challenge, _ frames: [Scripted]) -> [Challenge.State] {
  frames.map { challenge.observe(yaw: $0.yaw, blinks: $0.blinks, at: $0.time) }
}

@Suite("Challenge mode: the state machine on scripted frames", .testThreads)
struct ChallengeTests {
  @Test("turn left, then blink, each in time: passed")
  func passes() {
    var challenge = Challenge(steps: [.turnLeft, .blink])
    let states = play(
      &challenge,
      [(0.0, 0.0, 0), (0.5, 0.05, 0), (1.0, 0.22, 0), (1.2, 0.1, 0), (1.5, 0.0, 0), (2.4, 0.0, 1), (2.5, 0.0, 1)])
    #expect(states[0] == .asking(.turnLeft, remaining: 5))
    #expect(states[2] == .asking(.blink, remaining: 5), "the turn is done; the blink is asked")
    #expect(states[5] == .passed)
    #expect(states[6] == .passed, "a passed challenge stays passed")
    #expect(challenge.unfinished == nil, "a passed challenge is not unfinished")
  }

  @Test("a track that ends in the middle of its challenge says which step was left")
  func unfinished() {
    var challenge = Challenge(steps: [.blink, .turnLeft])
    _ = play(&challenge, [(0.0, 0.0, 0), (0.5, 0.0, 1), (0.7, 0.0, 1)])
    #expect(challenge.unfinished == "the track ended before the challenge was done (step 2 of 2: turn your head to your left)")
  }

  @Test("a step not done in time fails, naming the step and the limit")
  func timeout() {
    var challenge = Challenge(steps: [.turnRight, .blink])
    let frames: [Scripted] = stride(from: 0.0, through: 6.0, by: 0.5).map { ($0, 0.02, 0) }
    let states = play(&challenge, frames)
    #expect(states.last == .failed("did not turn your head to your right within 5 s"))
    #expect(states.contains(.asking(.turnRight, remaining: 1)))
  }

  @Test("a turn the wrong way fails at once (a replayed video does not know the random order)")
  func wrongWay() {
    var challenge = Challenge(steps: [.turnLeft, .turnRight])
    let states = play(&challenge, [(0, 0, 0), (0.4, -0.25, 0)])
    #expect(states.last == .failed("turned the wrong way when asked to turn your head to your left"))
  }

  @Test("a turn still held from the step before is neither the answer nor the wrong way: the head comes back, then turns")
  func heldTurn() {
    var challenge = Challenge(steps: [.turnLeft, .turnRight])
    let states = play(&challenge, [(0, 0, 0), (0.5, 0.25, 0), (0.7, 0.25, 0), (1.2, 0.0, 0), (1.8, -0.25, 0)])
    #expect(states[1] == .asking(.turnRight, remaining: 5))
    #expect(states[2] == .asking(.turnRight, remaining: 5), "still turned left from step 1: not a failure")
    #expect(states[4] == .passed)
    var already = Challenge(steps: [.turnRight])
    let turned = play(&already, [(0, -0.3, 0), (0.5, -0.3, 0), (1.0, 0.0, 0), (1.5, -0.3, 0)])
    #expect(turned[1] == .asking(.turnRight, remaining: 4.5), "already turned when asked: not an answer")
    #expect(turned[3] == .passed)
  }

  @Test("a turn when asked to blink fails: a recording of someone turning about does not know when to keep still")
  func turnWhenAskedToBlink() {
    var challenge = Challenge(steps: [.blink, .turnLeft])
    let states = play(&challenge, [(0, 0, 0), (0.5, 0.3, 0), (1.0, 0.0, 1)])
    #expect(states[1] == .failed("turned the head when asked to blink"))
    #expect(states[2] == .failed("turned the head when asked to blink"), "a failed challenge stays failed")
    // Turned left for step 1, then asked to blink while still turned: it comes back and blinks.
    var after = Challenge(steps: [.turnLeft, .blink])
    #expect(play(&after, [(0, 0, 0), (0.5, 0.3, 0), (0.7, 0.3, 0), (1.0, 0.0, 0), (1.4, 0.0, 1)]).last == .passed)
  }

  @Test("a photo held up (still head, no blink, or no landmarks at all) never passes")
  func photo() {
    var still = Challenge(steps: [.blink, .turnLeft])
    #expect(
      play(&still, stride(from: 0.0, through: 7.0, by: 0.25).map { ($0, 0.01, 0) }).last == .failed("did not blink within 5 s"))
    var unseen = Challenge(steps: [.turnRight])
    #expect(
      play(&unseen, stride(from: 0.0, through: 7.0, by: 0.25).map { ($0, nil, 0) }).last
        == .failed("did not turn your head to your right within 5 s"))
  }

  @Test("blinks before the blink step do not count for it")
  func earlierBlinks() {
    var challenge = Challenge(steps: [.turnLeft, .blink])
    let states = play(&challenge, [(0, 0, 2), (0.5, 0.3, 3), (1.0, 0, 3), (1.5, 0, 3), (2.0, 0, 4)])
    #expect(states[2] == .asking(.blink, remaining: 5))
    #expect(states[3] == .asking(.blink, remaining: 4.5))
    #expect(states[4] == .passed)
  }

  @Test("random challenges: the asked length, no step twice in a row, at least one turn; seeded runs repeat")
  func random() {
    var generator = SeededGenerator(seed: 7)
    var options = ChallengeOptions()
    for steps in 1...4 {
      options.steps = steps
      for _ in 0..<200 {
        let challenge = Challenge.random(options: options, using: &generator)
        #expect(challenge.steps.count == steps)
        #expect(zip(challenge.steps, challenge.steps.dropFirst()).allSatisfy { $0 != $1 })
        #expect(challenge.steps.contains { $0 != .blink })
      }
    }
    var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
    #expect(Challenge.random(using: &a).steps == Challenge.random(using: &b).steps)
  }

  @Test("after a failed attempt a new challenge is asked while attempts are left, each saying which attempt it is")
  func attempts() throws {
    var options = ChallengeOptions()
    options.attempts = 2
    var generator = SeededGenerator(seed: 7)
    let first = Challenge.random(options: options, using: &generator)
    #expect(first.attempt == 1 && first.attemptOfAll == nil && first.progress == "step 1 of 2")
    #expect(first.unfinished?.hasSuffix(")") == true && first.unfinished?.contains("attempt") == false)
    let second = try #require(first.next(using: &generator))
    #expect(second.attempt == 2 && second.progress == "step 1 of 2, attempt 2 of 2")
    #expect(second.unfinished?.hasSuffix(" (attempt 2 of 2)") == true)
    #expect(second.next(using: &generator) == nil, "no third attempt of two")
    options.attempts = 1
    #expect(Challenge.random(options: options, using: &generator).next(using: &generator) == nil)
  }

  @Test("the summary counts a failed challenge and one left unfinished apart from spoofs and faces never live")
  func summary() throws {
    func decision(_ attendance: TakeDecision.Attendance, _ reason: String, _ liveness: LivenessVerdict) -> TakeDecision {
      TakeDecision(
        frame: 1, time: 1, track: 1, trackStart: 0, box: FaceBox(left: 0, top: 0, right: 10, bottom: 10), person: "P",
        name: "P", distance: 0.3, margin: 0.2, liveness: liveness, livenessFigures: [:], attendance: attendance,
        reason: reason)
    }
    var summary = TakeSummary()
    summary.count(.report(decision(.challengeFailed, "the challenge failed: did not blink within 5 s (attempt 2 of 2)", .live)))
    summary.count(
      .unmarked(decision(.notMarked, try #require(Challenge(steps: [.blink]).unfinished), .live), kind: .challengeUnfinished))
    summary.count(.unmarked(decision(.notMarked, "the track ended before liveness was shown", .waiting), kind: .neverLive))
    #expect(summary.challengeFailedTracks == 1 && summary.challengeUnfinishedTracks == 1)
    #expect(summary.waitingTracks == 1 && summary.spoofTracks == 0)
    // The delivery's outcome counts, not the event's own `recorded`.
    let present = decision(.recorded, "live: a blink", .live)
    summary.count(.report(present), final: present.with(.duplicate, reason: "already marked"))
    #expect(summary.duplicates == ["P"] && summary.recorded.isEmpty)
    let line = summary.lines(stills: false, liveness: true, folder: false, stopped: false)[0]
    #expect(line.contains("0 spoof, 1 never live, 1 failed the challenge, 1 left mid-challenge"), "\(line)")
    // A track whose last verdict was an attack, never reported as one, counts as an attack.
    summary.count(.unmarked(decision(.notMarked, "a photo or a screen: a screen's moire (screen)", .spoof), kind: .attack))
    #expect(summary.spoofTracks == 1 && summary.waitingTracks == 1)
  }

  @Test("the yaw from 68 landmarks of a real frontal photo is near zero")
  func yawOnRealFace() throws {
    let image = try Image(contentsOfFile: "\(Checkout.testImages)/obama.jpg")
    let face = try HOGFaceDetector().detect(in: image)[0]
    let predictor = try LandmarkPredictor(modelPath: try Scratch.models.path(of: .landmarks68))
    let yaw = try #require(Challenge.yaw(from68: try predictor.landmarks(of: face, in: image).points))
    #expect(abs(yaw) < 0.12)
    #expect(Challenge.yaw(from68: []) == nil)
  }
}
