import AttTestSupport
import AttendanceKit
import FaceKit
import FaceVideo
import Foundation
import Testing

@Suite("att-take", .testThreads)
struct TakeCommandTests {
  /// A working folder with Lin-Manuel Miranda enrolled from his photo in people/.
  func site() throws -> String {
    let folder = try Checkout.scratchFolder("take")
    let enrol = try ToolRun.run(
      "att-register",
      ["add", "--id", "LMM", "--name", "Lin-Manuel Miranda", "--source", "\(Checkout.shared)/faces/people/lin_manuel_miranda"],
      in: folder)
    #expect(enrol.status == 0, "\(enrol.stderr)")
    return folder
  }

  @Test(
    "on the Hamilton clip Lin-Manuel Miranda is recognised and recorded once; --jsonl, --annotate and --snapshots work (the marked face goes to the database with its record)"
  )
  func hamiltonClip() throws {
    let folder = try site()
    let clip = "\(Checkout.shared)/faces/video/short_hamilton_clip.mp4"
    // The snapshot folder keeps --snapshot-days (30): an older crop att-take saved goes as it
    // starts; a file of another name, or a recent crop, stays.
    let snaps = "\(folder)/snaps"
    try FileManager.default.createDirectory(atPath: snaps, withIntermediateDirectories: true)
    let old = Date().addingTimeInterval(-40 * 86400)
    for name in ["unknown-0A1B2C3D.jpg", "notes.txt", "unknown-1A2B3C4D.jpg"] {
      try Data([0xFF, 0xD8, 0xFF]).write(to: URL(fileURLWithPath: "\(snaps)/\(name)"))
      if name != "unknown-1A2B3C4D.jpg" {
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: "\(snaps)/\(name)")
      }
    }
    let run = try ToolRun.run(
      "att-take", ["--source", clip, "--liveness", "off", "--jsonl", "--annotate", "out.avi", "--snapshots", "snaps"],
      in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("LIVENESS IS OFF"))
    let decisions = try run.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    let recorded = decisions.filter { $0["attendance"] as? String == "recorded" }
    #expect(recorded.count == 1)
    #expect(recorded.first?["person"] as? String == "LMM")
    #expect((recorded.first?["distance"] as? Double ?? 1) < 0.5)
    #expect(decisions.allSatisfy { $0["person"] is NSNull || $0["person"] as? String == "LMM" })
    // The marked face and what is around it, on the camera's disk and kept with the record for an
    // admin to check (the dashboard's arrivals): the same bytes.
    let crop = try #require(recorded.first?["snapshot"] as? String, "\(recorded)")
    let camera = try Data(contentsOf: URL(fileURLWithPath: crop.hasPrefix("/") ? crop : "\(folder)/\(crop)"))
    let kept = try #require(
      try AttendanceStore(location: DatabaseLocation(path: "\(folder)/data/attendance.db")).reader { db in
        try String.fetchOne(db, sql: "SELECT media_path FROM attendance WHERE person_id = 'LMM'")
      })
    #expect(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/media/\(kept)")) == camera)
    let image = try Image(data: camera, source: "crop")
    let box = try #require(recorded.first?["box"] as? [Int])
    #expect(image.width > 2 * (box[2] - box[0]) && image.width <= 640, "\(image.width) px for a face \(box[2] - box[0]) px wide")
    #expect(!FileManager.default.fileExists(atPath: "\(snaps)/unknown-0A1B2C3D.jpg"), "40 days old")
    #expect(
      FileManager.default.fileExists(atPath: "\(snaps)/notes.txt")
        && FileManager.default.fileExists(atPath: "\(snaps)/unknown-1A2B3C4D.jpg"))
    let never = try ToolRun.run("att-take", ["--source", clip, "--snapshots", "snaps", "--snapshot-days", "0"], in: folder)
    #expect(never.status == 64 && never.stderr.contains("--snapshot-days 0: give 1 to 3650 days"), "\(never.stderr)")
    // The annotated video has every frame of the clip.
    let annotated = try VideoSource("\(folder)/out.avi")
    var frames = 0
    while try annotated.nextFrame() != nil { frames += 1 }
    #expect(frames == 275)

    let again = try ToolRun.run("att-take", ["--source", clip, "--liveness", "off"], in: folder)
    #expect(again.status == 0)
    #expect(again.stderr.contains("0 recorded, 1 duplicates"))
    let store = try AttendanceStore(location: DatabaseLocation(path: "\(folder)/data/attendance.db"))
    #expect(try store.people().first?.attendance == 1)

    // Erased, his records kept: no image of his face is left, neither the server's copy nor
    // att-take's own in the --snapshots folder on this machine.
    let removed = try ToolRun.run("att-register", ["remove", "LMM", "--keep-attendance"], in: folder)
    #expect(removed.status == 0, "\(removed.stderr)")
    #expect(!FileManager.default.fileExists(atPath: "\(folder)/media/\(kept)"))
    #expect(!FileManager.default.fileExists(atPath: crop.hasPrefix("/") ? crop : "\(folder)/\(crop)"))
    let left = try FileManager.default.contentsOfDirectory(atPath: snaps)
    #expect(left.filter { $0.hasPrefix("LMM-") }.isEmpty, "\(left)")
    #expect(FileManager.default.fileExists(atPath: "\(snaps)/notes.txt"), "nothing else in the folder")
  }

  @Test(
    "stills: a folder with one photo per person decides each image alone (--stills); liveness on says a still cannot be marked; without --stills the summary says why nothing was decided; one image is a still; a video refuses --stills"
  )
  func stills() throws {
    let folder = try site()
    let people = "\(Checkout.shared)/faces/people"
    let enrol = try ToolRun.run(
      "att-register",
      ["add", "--id", "OBAMA", "--name", "Barack Obama", "--source", "\(people)/barack_obama/obama-480p.jpg", "--count", "1"],
      in: folder)
    #expect(enrol.status == 0, "\(enrol.stderr)")
    let photos = "\(folder)/photos"
    try FileManager.default.createDirectory(atPath: photos, withIntermediateDirectories: true)
    for (name, file) in [
      ("1.jpg", "barack_obama/obama-1080p.jpg"), ("2.png", "lin_manuel_miranda/lin-manuel-miranda.png"),
      ("3.jpg", "../unknown/grace_hopper.jpg"),
    ] {
      try FileManager.default.copyItem(atPath: "\(people)/\(file)", toPath: "\(photos)/\(name)")
    }
    func decisions(_ run: ToolRun) throws -> [[String: Any]] {
      try run.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }
    // A folder of unrelated photos read as a sequence: nothing decided, and the summary says why.
    let sequence = try ToolRun.run("att-take", ["--source", photos, "--json"], in: folder)
    #expect(sequence.status == 0, "\(sequence.stderr)")
    #expect(sequence.stderr.contains("0 recorded") && sequence.stderr.contains("undecided"))
    #expect(
      sequence.stderr.contains(
        "undecided: 2 seen too briefly to decide: a decision needs 3 agreeing matches (--settle) or 5 without one"),
      "\(sequence.stderr)")
    #expect(sequence.stderr.contains("--stills decides each image on its own"))
    #expect(
      try decisions(sequence).contains {
        $0["attendance"] as? String == "undecided"
          && ($0["reason"] as? String ?? "").hasPrefix("seen on 1 frame, 1 descriptor; a decision needs 3")
      })
    // --stills, liveness on: recognised, and plainly not marked.
    let live = try ToolRun.run("att-take", ["--source", photos, "--stills", "--json"], in: folder)
    #expect(live.status == 0, "\(live.stderr)")
    let liveDecisions = try decisions(live)
    #expect(
      Set(liveDecisions.filter { $0["attendance"] as? String == "not_marked" }.compactMap { $0["person"] as? String }) == [
        "LMM", "OBAMA",
      ])
    #expect(liveDecisions.allSatisfy { $0["attendance"] as? String != "waiting_for_liveness" }, "one line per face")
    #expect(liveDecisions.filter { $0["attendance"] as? String == "unknown" }.count == 1, "Grace Hopper is nobody enrolled")
    #expect(live.stderr.contains("2 recognised on stills and not marked: liveness cannot be judged on a photo"))
    // --stills --liveness off: each photo marks its person.
    let marked = try ToolRun.run("att-take", ["--source", photos, "--stills", "--liveness", "off", "--json"], in: folder)
    #expect(marked.status == 0, "\(marked.stderr)")
    #expect(
      Set(try decisions(marked).filter { $0["attendance"] as? String == "recorded" }.compactMap { $0["person"] as? String })
        == ["LMM", "OBAMA"])
    // One image is a still without the flag.
    let one = try ToolRun.run("att-take", ["--source", "\(photos)/1.jpg", "--liveness", "off", "--json"], in: folder)
    #expect(one.status == 0 && one.stderr.contains("1 duplicates"), "\(one.stderr)")
    let video = try ToolRun.run(
      "att-take", ["--source", "\(Checkout.shared)/faces/video/short_hamilton_clip.mp4", "--stills"], in: folder)
    #expect(video.status == 64 && video.stderr.contains("--stills is for photos"), "\(video.stderr)")
  }

  @Test("liveness on (the default): the live performer is marked within 3 s of coming into view; his photo in a hand is not")
  func livenessDefaults() throws {
    let folder = try site()
    let clip = "\(Checkout.shared)/faces/video/short_hamilton_clip.mp4"
    let run = try ToolRun.run("att-take", ["--source", clip, "--jsonl"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("liveness on (gate: blink + motion + screen + device)"))
    let decisions = try run.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    let recorded = try #require(decisions.first { $0["attendance"] as? String == "recorded" }, "\(run.stdout)")
    #expect(recorded["person"] as? String == "LMM")
    #expect(recorded["liveness"] as? String == "live")
    #expect(recorded["reason"] as? String == "live: solid head motion")
    // The record keeps why the camera judged him live, for whoever checks who was marked.
    let kept = try AttendanceStore(location: DatabaseLocation(path: "\(folder)/data/attendance.db")).reader { db in
      try String.fetchOne(db, sql: "SELECT liveness || ' / ' || liveness_reason FROM attendance WHERE person_id = 'LMM'")
    }
    #expect(kept == "live / live: solid head motion", "\(kept ?? "no record")")
    let inView = (recorded["time"] as! Double) - (recorded["track_start"] as! Double)
    #expect(inView <= 3, "marked \(inView) s after coming into view")

    let photo = "\(folder)/photo.avi"
    try TestVideo.make(
      photo,
      shots: [.handHeld("\(Checkout.shared)/faces/people/lin_manuel_miranda/\(try firstPhoto())", frames: 60, seed: 2)],
      fps: 15)
    let held = try ToolRun.run("att-take", ["--source", photo], in: folder)
    #expect(held.status == 0, "\(held.stderr)")
    // The hand-held photo never shows a live cue: it is never marked (its motion never comes near the
    // solid line, and flat motion, under 0.0055 of the eye distance, holds back a blink).
    #expect(held.stderr.contains("0 recorded"), "\(held.stderr)")
    #expect(!held.stderr.contains(": recorded"), "\(held.stderr)")

    // The help offers the detectors att-take runs on frames, and only those.
    let cnn = try ToolRun.run("att-take", ["--source", photo, "--detector", "cnn"], in: folder)
    #expect(cnn.status == 64 && cnn.stderr.contains("provide one of 'retinaface' and 'hog'"), "\(cnn.stderr)")
    let bad = try ToolRun.run("att-take", ["--source", photo, "--liveness-cues", "blink,wink"], in: folder)
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("--liveness-cues: 'wink' is not a cue (blink, motion, screen, device, context, texture)."))

    let offAndKiosk = try ToolRun.run("att-take", ["--source", photo, "--liveness-policy", "off", "--challenge"], in: folder)
    #expect(offAndKiosk.status == 64 && offAndKiosk.stderr.contains("cannot go with --challenge"), "\(offAndKiosk.stderr)")
    let offAndCues = try ToolRun.run(
      "att-take", ["--source", photo, "--liveness-policy", "off", "--liveness-cues", "blink"], in: folder)
    #expect(
      offAndCues.status == 64 && offAndCues.stderr.contains("cannot go with --liveness on or --liveness-cues"),
      "\(offAndCues.stderr)")
    // A policy of passive cues with them switched off is refused, not run with liveness off.
    let gateAndOff = try ToolRun.run(
      "att-take", ["--source", photo, "--liveness-policy", "gate", "--liveness", "off"], in: folder)
    #expect(
      gateAndOff.status == 64 && gateAndOff.stderr.contains("--liveness-policy gate uses the passive cues"),
      "\(gateAndOff.stderr)")
    let kioskAndOff = try ToolRun.run(
      "att-take", ["--source", photo, "--liveness-policy", "kiosk", "--liveness", "off"], in: folder)
    #expect(
      kioskAndOff.status == 64 && kioskAndOff.stderr.contains("--liveness off --challenge keeps the challenge alone"),
      "\(kioskAndOff.stderr)")
    // Cues that only say attack can mark nobody; challenge settings without a challenge do nothing.
    let attackOnly = try ToolRun.run("att-take", ["--source", photo, "--liveness-cues", "screen,device"], in: folder)
    #expect(attackOnly.status == 64 && attackOnly.stderr.contains("none of these says live"), "\(attackOnly.stderr)")
    let steps = try ToolRun.run("att-take", ["--source", photo, "--challenge-steps", "3"], in: folder)
    #expect(steps.status == 64 && steps.stderr.contains("use them with --challenge"), "\(steps.stderr)")
    let gateChallenge = try ToolRun.run("att-take", ["--source", photo, "--liveness-policy", "gate", "--challenge"], in: folder)
    #expect(gateChallenge.status == 64 && gateChallenge.stderr.contains("use --liveness-policy kiosk"), "\(gateChallenge.stderr)")
    let attempts = try ToolRun.run("att-take", ["--source", photo, "--challenge", "--challenge-attempts", "0"], in: folder)
    #expect(attempts.status == 64 && attempts.stderr.contains("--challenge-attempts must be 1 to 5"), "\(attempts.stderr)")
    for seconds in ["0.0001", "1e9", "nan", "-1"] {
      let absurd = try ToolRun.run("att-take", ["--source", photo, "--challenge", "--challenge-seconds", seconds], in: folder)
      #expect(
        absurd.status == 64 && absurd.stderr.contains("--challenge-seconds must be 0.5 to 60"), "\(seconds): \(absurd.stderr)")
    }
    // A negative number is read as the option's value and refused by its range, not taken for an option.
    let negative = try ToolRun.run("att-take", ["--source", photo, "--threshold", "-1"], in: folder)
    #expect(negative.status == 64 && negative.stderr.contains("--threshold must be between 0 and 2"), "\(negative.stderr)")
    let off = try ToolRun.run("att-take", ["--source", photo, "--liveness-policy", "off"], in: folder)
    #expect(off.status == 0 && off.stderr.contains("LIVENESS IS OFF"), "\(off.stderr)")

    // A site's own lines (att-liveness eval-video --real DIR --write-lines): used, and said at start.
    let lines = "\(folder)/lines.json"
    try #"{"screen_moire": 30, "flat_motion": 0.006}"#.write(toFile: lines, atomically: true, encoding: .utf8)
    let site = try ToolRun.run("att-take", ["--source", photo, "--liveness-lines", lines], in: folder)
    #expect(site.status == 0 && site.stderr.contains("site lines: screen 30.0, flat motion 0.0060"), "\(site.stderr)")
    #expect(site.stderr.contains("0 recorded"), "\(site.stderr)")
    #expect(site.stderr.contains("warning: \(lines) does not say what its lines were measured on"), "written by hand")
    #expect(
      site.stderr.contains("warning: \(lines): the screen line 30.0 is under the default 40.0"), "a live face over 30 is refused")
    // With the blink cue alone: no line of a cue not in use is shown, and no reason names the head's motion.
    let blinkOnly = try ToolRun.run(
      "att-take", ["--source", photo, "--liveness-cues", "blink", "--liveness-lines", lines], in: folder)
    #expect(blinkOnly.status == 0 && blinkOnly.stderr.contains("liveness on (gate: blink)"), "\(blinkOnly.stderr)")
    #expect(!blinkOnly.stderr.contains("site lines") && !blinkOnly.stderr.contains("moved as a solid"), "\(blinkOnly.stderr)")
    #expect(!blinkOnly.stderr.contains("under the default"), "no screen cue, no screen line to warn of")
    #expect(blinkOnly.stderr.contains("(no blink)"), "\(blinkOnly.stderr)")
    // What the site gives up is said: no cue refuses a replay, and a face waits for a blink.
    #expect(blinkOnly.stderr.contains("warning: --liveness-cues leaves out both screen and device: nothing refuses a replay"))
    #expect(blinkOnly.stderr.contains("warning: --liveness-cues leaves out motion: a face is marked only when it blinks"))
    #expect(!site.stderr.contains("leaves out"), "the default cues leave nothing out")
    try #"{"screen_moire": 30, "flat_motion": "low"}"#.write(toFile: lines, atomically: true, encoding: .utf8)
    let wrong = try ToolRun.run("att-take", ["--source", photo, "--liveness-lines", lines], in: folder)
    #expect(
      wrong.status == 78 && wrong.stderr.contains("--liveness-lines: \(lines): 'flat_motion' is not of its kind"),
      "\(wrong.stderr)")
    let offAndLines = try ToolRun.run(
      "att-take", ["--source", photo, "--liveness", "off", "--liveness-lines", lines], in: folder)
    #expect(offAndLines.status == 64 && offAndLines.stderr.contains("cannot go with liveness off"), "\(offAndLines.stderr)")
  }

  @Test(
    "--challenge: the real person on the clip is asked a step; a still photo held up fails every attempt, is asked again between them, and is never marked; --snapshots keeps its face"
  )
  func challenge() throws {
    let folder = try site()
    let clip = "\(Checkout.shared)/faces/video/short_hamilton_clip.mp4"
    // Liveness off isolates the challenge: the clip's head never turns or blinks on request.
    let live = try ToolRun.run(
      "att-take",
      ["--source", clip, "--liveness", "off", "--challenge", "--challenge-seconds", "1", "--challenge-attempts", "1", "--jsonl"],
      in: folder)
    #expect(live.status == 0, "\(live.stderr)")
    let decisions = try live.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    let asked = decisions.filter { $0["attendance"] as? String == "challenge" }
    #expect((asked.first?["reason"] as? String)?.hasPrefix("Lin-Manuel Miranda, please ") == true)
    #expect(!decisions.contains { $0["attendance"] as? String == "recorded" }, "nobody is marked without doing the steps")
    let failed = decisions.filter { $0["attendance"] as? String == "challenge_failed" }
    #expect(failed.count == 1 && (failed.first?["reason"] as? String)?.hasPrefix("the challenge failed: ") == true)
    #expect(!decisions.contains { $0["attendance"] as? String == "spoof" }, "a failed challenge is not a cue's attack vote")

    // The default two attempts: the photo fails the first, is asked a new challenge, fails it too.
    let photo = "\(folder)/photo.avi"
    try TestVideo.make(
      photo, shots: [.still("\(Checkout.shared)/faces/people/lin_manuel_miranda/\(try firstPhoto())", frames: 70)])
    let held = try ToolRun.run(
      "att-take", ["--source", photo, "--liveness", "off", "--challenge", "--challenge-seconds", "1.5"], in: folder)
    #expect(held.status == 0, "\(held.stderr)")
    #expect(held.stderr.contains("(2 attempts)"), "the start line says how many attempts")
    #expect(held.stderr.contains("the challenge failed: did not") && held.stderr.contains("once more (attempt 2 of 2)"))
    #expect(held.stderr.contains("(step 1 of "), "\(held.stderr)")
    #expect(held.stderr.contains(", attempt 2 of 2))"), "the second challenge's step says which attempt it is")
    #expect(held.stderr.contains(": challenge_failed (the challenge failed: did not"), "\(held.stderr)")
    #expect(
      held.stderr.contains("0 recorded") && held.stderr.contains("0 spoof") && held.stderr.contains("1 failed the challenge"))

    // With --snapshots, the refused face is kept for review, and its line names the crop.
    let kept = try ToolRun.run(
      "att-take",
      [
        "--source", photo, "--liveness", "off", "--challenge", "--challenge-seconds", "1.5", "--challenge-attempts", "1",
        "--snapshots", "snaps", "--jsonl",
      ], in: folder)
    #expect(kept.status == 0, "\(kept.stderr)")
    let lines = try kept.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    let refused = try #require(lines.first { $0["attendance"] as? String == "challenge_failed" }, "\(kept.stdout)")
    let crop = try #require(refused["snapshot"] as? String, "\(refused)")
    #expect(crop.hasPrefix("snaps/refused-LMM-") && crop.hasSuffix(".jpg"), "\(crop)")
    let file = crop.hasPrefix("/") ? crop : "\(folder)/\(crop)"
    let attributes = try FileManager.default.attributesOfItem(atPath: file)
    #expect((attributes[.posixPermissions] as? Int) == 0o600, "a face is readable by its owner only")
    // For review, what is around the face is in the crop too (a phone or a hand held up with it).
    let box = refused["box"] as? [Int] ?? [0, 0, 0, 0]
    let cropped = try Image(contentsOfFile: file)
    #expect(cropped.width > 2 * (box[2] - box[0]) && cropped.width <= 640, "\(cropped.width) px for a face of \(box)")
    #expect(lines.filter { $0["snapshot"] != nil }.count == 1, "only the refused face: nothing else was decided")

    // At the defaults the still photo is never judged live: its face, as it waited, is kept too.
    let waited = try ToolRun.run("att-take", ["--source", photo, "--snapshots", "snaps", "--jsonl"], in: folder)
    #expect(waited.status == 0, "\(waited.stderr)")
    let ended = try waited.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    let unmarked = try #require(ended.first { $0["attendance"] as? String == "not_marked" }, "\(waited.stdout)")
    let face = try #require(unmarked["snapshot"] as? String, "\(unmarked)")
    #expect(face.hasPrefix("snaps/unmarked-LMM-") && face.hasSuffix(".jpg"), "\(face)")
    #expect(try Image(contentsOfFile: "\(folder)/\(face)").width > 0)
    #expect(ended.filter { $0["snapshot"] != nil }.count == 1, "\(waited.stdout)")

    // Each track not marked for liveness is logged in the database for review, with the crop when
    // snapshots were on (the dashboard's "Not marked by liveness").
    let store = try AttendanceStore(location: DatabaseLocation(path: "\(folder)/data/attendance.db"))
    let logged = try store.livenessRefusals(limit: 10, before: nil, all: true)
    #expect(logged.map(\.verdict) == ["not_marked", "challenge_failed", "challenge_failed", "challenge_failed"], "\(logged)")
    #expect(logged.allSatisfy { $0.personID == "LMM" && ($0.deviceID == "vm:photo" || $0.deviceID == "vm:short_hamilton_clip") })
    #expect(logged.map { $0.mediaPath != nil } == [true, true, false, false], "crops only with --snapshots")
    #expect(logged[0].reason.hasPrefix("the track ended before liveness was shown"), "\(logged[0].reason)")
    #expect(logged[1].reason.hasPrefix("the challenge failed: "), "\(logged[1].reason)")
    let keptCrop = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/media/\(logged[0].mediaPath ?? "")"))
    #expect(keptCrop == (try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(face)"))), "the crop att-take kept")
  }

  @Test(
    "a pupil marked earlier in the run who comes back as a track never judged live is not logged for review; the same track alone is"
  )
  func markedThenNeverLive() throws {
    let folder = try site()
    // The Hamilton clip (the live performer, marked), a moment with nobody, then his photo held still
    // (recognised, never judged live).
    let clip = try VideoSource("\(Checkout.shared)/faces/video/short_hamilton_clip.mp4")
    var frames: [Image] = []
    while let frame = try clip.nextFrame() { frames.append(frame) }
    let first = try #require(frames.first)
    let photoPath = "\(Checkout.shared)/faces/people/lin_manuel_miranda/\(try firstPhoto())"
    let photo = try Image(contentsOfFile: photoPath)
    let grey = try [UInt8](repeating: 90, count: first.width * first.height * 3).withUnsafeBytes {
      try Image(pixels: $0, width: first.width, height: first.height, bytesPerRow: first.width * 3, bgr: false, source: "grey")
    }
    try VideoWriter.whole(
      path: "\(folder)/back.avi", framesPerSecond: clip.framesPerSecond, width: first.width, height: first.height
    ) { writer in
      for frame in frames { try writer.write(frame) }
      for _ in 0..<30 { try writer.write(grey) }
      for _ in 0..<90 { try writer.write(photo) }
    }
    try TestVideo.make("\(folder)/alone.avi", shots: [.still(photoPath, frames: 90)], fps: clip.framesPerSecond)
    let store = try AttendanceStore(location: DatabaseLocation(path: "\(folder)/data/attendance.db"))

    let run = try ToolRun.run("att-take", ["--source", "back.avi", "--jsonl"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    let lines = try run.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    let ends = lines.filter { ["recorded", "not_marked"].contains($0["attendance"] as? String) }
    #expect(ends.map { $0["attendance"] as? String } == ["recorded", "not_marked"], "\(run.stdout)")
    #expect(ends.allSatisfy { $0["person"] as? String == "LMM" } && Set(ends.map { $0["track"] as? Int }).count == 2)
    #expect(try store.livenessRefusals(limit: 10, before: nil, all: true).isEmpty, "nothing to review: he was marked")

    // The photo alone (another run: nobody marked yet) is logged for review.
    let alone = try ToolRun.run("att-take", ["--source", "alone.avi"], in: folder)
    #expect(alone.status == 0, "\(alone.stderr)")
    #expect(try store.livenessRefusals(limit: 10, before: nil, all: true).map(\.verdict) == ["not_marked"])
  }

  func firstPhoto() throws -> String {
    try FileManager.default.contentsOfDirectory(atPath: "\(Checkout.shared)/faces/people/lin_manuel_miranda").sorted()[0]
  }

  @Test("a folder of images with a corrupt one: the bad frame is skipped by name, the rest processed")
  func corruptFrame() throws {
    let folder = try site()
    let frames = "\(folder)/frames"
    try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: true)
    let photo = "\(Checkout.shared)/faces/people/lin_manuel_miranda/lin-manuel-miranda.png"
    for i in 0..<5 { try FileManager.default.copyItem(atPath: photo, toPath: "\(frames)/f\(i)a.png") }
    try FileManager.default.copyItem(atPath: "\(Checkout.shared)/bad-inputs/truncated_half.jpg", toPath: "\(frames)/f2b.jpg")
    let run = try ToolRun.run("att-take", ["--source", frames, "--liveness", "off"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("f2b.jpg: skipped: truncated JPEG"))
    #expect(run.stderr.contains("5 frames"))
  }

  @Test("SIGTERM stops the run after the frame in hand, with the summary and status 0")
  func stopsOnSigterm() throws {
    let folder = try site()
    let clip = "\(Checkout.shared)/faces/video/short_hamilton_clip.mp4"
    let running = try ToolRun.start("att-take", ["--source", clip, "--threads", "1", "--upsample", "1"], in: folder)
    #expect(running.waitFor(stderr: "att-take: device "), "the run started")
    running.terminate()
    let result = running.wait()
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("stopping after the current frame"))
    #expect(result.stderr.contains("(stopped)"))
  }

  @Test("an unreadable source and a missing file are one clear error each")
  func badSources() throws {
    let folder = try site()
    let missing = try ToolRun.run("att-take", ["--source", "/nonexistent/clip.mp4"], in: folder)
    #expect(missing.status == 66 && missing.stderr.contains("/nonexistent/clip.mp4: no such file"), "EX_NOINPUT")
    let text = try ToolRun.run("att-take", ["--source", "\(Checkout.shared)/bad-inputs/MANIFEST.tsv"], in: folder)
    #expect(
      text.status == 66 && text.stderr.contains("MANIFEST.tsv: cannot read frames: not a video OpenCV can read"), "EX_NOINPUT")
    let camera = try ToolRun.run("att-take", ["--source", "7"], in: folder)
    #expect(camera.status == 66 && camera.stderr.contains("7: cannot read frames: no camera answers"), "EX_NOINPUT")
    // One image that does not decode is a source that cannot be read too.
    for (name, reason) in [("zero_bytes.jpg", "empty file (0 bytes)"), ("text_file.jpg", "not a supported image")] {
      let image = try ToolRun.run("att-take", ["--source", "\(Checkout.shared)/bad-inputs/\(name)"], in: folder)
      #expect(image.status == 66 && image.stderr.contains("\(name): \(reason)"), "\(name): \(image.stderr)")
    }
  }

  @Test(
    "a stream that refuses is reopened with back-off until stopped, its password never shown; a text file or an empty .mp4 exits 66"
  )
  func streamsAndUnreadableSources() throws {
    let folder = try Checkout.scratchFolder("take-stream")
    let stream = try ToolRun.start("att-take", ["--source", "rtsp://admin:hunter2@127.0.0.1:1/live"], in: folder)
    #expect(stream.waitFor(stderr: "reopening in 2 s", seconds: 30), "it waits for the stream, 1 s then 2 s")
    stream.terminate()
    let stopped = stream.wait()
    #expect(stopped.status == 0, "\(stopped.stderr)")
    #expect(stopped.stderr.contains("rtsp://admin:***@127.0.0.1:1/live"), "\(stopped.stderr)")
    #expect(!stopped.stderr.contains("hunter2") && !stopped.stdout.contains("hunter2"))
    try Data("not a video".utf8).write(to: URL(fileURLWithPath: "\(folder)/notes.mp4"))
    try Data().write(to: URL(fileURLWithPath: "\(folder)/empty.mp4"))
    for name in ["notes.mp4", "empty.mp4"] {
      let run = try ToolRun.run("att-take", ["--source", name], in: folder)
      #expect(run.status == 66, "\(name): \(run.stderr)")
      #expect(run.stderr.contains("\(name): cannot read frames"), "\(run.stderr)")
      #expect(!run.stderr.contains("moov atom"), "no FFmpeg line: \(run.stderr)")
    }
  }

  @Test(
    "--log-format json: every line on standard error is one JSON record (the pipeline's and the tool's); a bad ATT_LOG_FORMAT exits 78"
  )
  func jsonLog() throws {
    let folder = try Checkout.scratchFolder("take-log")
    let stream = try ToolRun.start(
      "att-take", ["--source", "rtsp://admin:hunter2@127.0.0.1:1/live", "--log-format", "json"], in: folder)
    #expect(stream.waitFor(stderr: "reopening in 2 s", seconds: 30))
    stream.terminate()
    let stopped = stream.wait()
    #expect(stopped.status == 0, "\(stopped.stderr)")
    let records = stopped.stderr.split(separator: "\n").map {
      (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
    }
    #expect(records.count >= 3 && records.allSatisfy { $0 != nil }, "\(stopped.stderr)")
    let all = records.compactMap { $0 }
    #expect(all.allSatisfy { $0["tool"] as? String == "att-take" && $0["time"] is String && $0["level"] is String })
    let reopen = all.first { ($0["message"] as? String)?.contains("reopening in 2 s") == true }
    #expect(reopen?["component"] as? String == "att.pipeline", "the library's logger: \(String(describing: reopen))")
    #expect(all.contains { ($0["message"] as? String)?.hasPrefix("device ") == true && $0["component"] as? String == "att-take" })
    #expect(!stopped.stderr.contains("hunter2"))
    #expect(
      all.contains {
        ($0["message"] as? String)?.hasPrefix("warning: nobody is enrolled") == true && $0["level"] as? String == "warning"
      })
    // A failure that ends the tool is level error.
    let missing = try ToolRun.run("att-take", ["--source", "/nonexistent/clip.mp4", "--log-format", "json"], in: folder)
    let failure = missing.stderr.split(separator: "\n").compactMap {
      (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
    }
    .first { ($0["message"] as? String)?.contains("/nonexistent/clip.mp4") == true }
    #expect(missing.status == 66 && failure?["level"] as? String == "error", "\(missing.stderr)")

    let bad = try ToolRun.run("att-take", ["--source", "0"], in: folder, environment: ["ATT_LOG_FORMAT": "yaml"])
    #expect(bad.status == 78 && bad.stderr.contains("ATT_LOG_FORMAT 'yaml': use text or json"), "\(bad.stderr)")
  }

  @Test(
    "--profile: each stage's time and calls (decode, search, follow, landmarks, descriptor); a marked track costs nothing more; --max-fps analyses fewer frames and still marks him"
  )
  func profileAndMaxFPS() throws {
    let folder = try site()
    let clip = "\(Checkout.shared)/faces/video/short_hamilton_clip.mp4"
    let run = try ToolRun.run("att-take", ["--source", clip, "--liveness", "off", "--json", "--profile"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("att-take: profile: 275 frames"), "\(run.stderr)")
    let last = try #require(run.lines.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
    let profile = try #require(last["profile"] as? [String: Any])
    let stages = try #require(profile["stages"] as? [String: [String: Double]])
    #expect(profile["frames"] as? Int == 275)
    for stage in ["decode", "search", "follow", "landmarks-5", "descriptor", "match"] {
      #expect((stages[stage]?["calls"] ?? 0) > 0 && (stages[stage]?["ms"] ?? -1) >= 0, "\(stage): \(stages)")
    }
    // Once he is marked, his track's faces need no landmarks, liveness or descriptor.
    let skipped = stages["skipped"]?["calls"] ?? 0
    #expect(skipped > 50, "\(stages)")
    #expect((stages["landmarks-5"]?["calls"] ?? 0) + skipped == Double(profile["faces"] as? Int ?? -1))
    let recorded = run.lines.dropLast().compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
      .filter { $0["attendance"] as? String == "duplicate" || $0["attendance"] as? String == "recorded" }
    #expect(recorded.map { $0["person"] as? String } == ["LMM"])

    let capped = try ToolRun.run("att-take", ["--source", clip, "--liveness", "off", "--max-fps", "10"], in: folder)
    #expect(capped.status == 0, "\(capped.stderr)")
    let summary = try #require(capped.stderr.split(separator: "\n").first { $0.contains(" frames in ") })
    let analysed = Int(summary.split(separator: " ")[1]) ?? 0
    #expect((85...100).contains(analysed), "about 10 of each 30 frames: \(summary)")
    #expect(summary.contains("skipped for --max-fps"))
    #expect(capped.stderr.contains("LMM (Lin-Manuel Miranda)"), "\(capped.stderr)")
    let bad = try ToolRun.run("att-take", ["--source", clip, "--max-fps", "0"], in: folder)
    #expect(bad.status == 64 && bad.stderr.contains("--max-fps must be 0.1 to 240"), "\(bad.stderr)")
  }
}
