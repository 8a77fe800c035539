import AttEvaluation
import AttTestSupport
import AttendanceKit
import FaceKit
import Foundation
import Testing

@Suite("att-liveness: the passive texture cue, trained and scored on ../shared/faces/liveness", .testThreads)
struct LivenessToolTests {
  var material: String { "\(Checkout.shared)/faces/liveness" }

  @Test("training and evaluation are split by subject: no face is in both")
  func split() throws {
    let samples = try LivenessMaterial.samples(in: material)
    let training = Set(samples.filter { $0.split == .training }.map(\.subject))
    let evaluation = Set(samples.filter { $0.split == .evaluation }.map(\.subject))
    #expect(training.isDisjoint(with: evaluation))
    #expect(training == ["nuaa-0001", "nuaa-0002"])
    #expect(samples.contains { $0.kind == .screen && $0.split == .evaluation })
    #expect(samples.filter { $0.split == .training }.count == 100)
  }

  @Test("the training command reproduces the committed model file byte for byte")
  func reproducible() throws {
    let out = try Checkout.scratchFolder("liveness") + "/model.json"
    let run = try ToolRun.run("att-liveness", ["train", "--material", material, "-o", out])
    #expect(run.status == 0, "\(run.stderr)")
    let fresh = try Data(contentsOf: URL(fileURLWithPath: out))
    let committed = try Data(contentsOf: URL(fileURLWithPath: "\(Checkout.root)/Models/liveness-texture.json"))
    #expect(fresh == committed, "Models/liveness-texture.json is what `att-liveness train` makes")
  }

  @Test(
    "eval prints APCER per attack type and BPCER on the held-out subject and the stills; the model separates its training set")
  func evaluation() throws {
    let run = try ToolRun.run(
      "att-liveness", ["eval", "--material", material, "--model", "\(Checkout.root)/Models/liveness-texture.json", "--json"])
    #expect(run.status == 0, "\(run.stderr)")
    let reports = run.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    #expect(reports.map { $0["split"] as? String } == ["evaluation", "training"])
    let evaluation = reports[0]
    let attacks = evaluation["attacks"] as? [[String: Any]] ?? []
    #expect(attacks.map { $0["kind"] as? String } == ["print", "screen"])
    #expect(attacks.map { $0["samples"] as? Int } == [26, 1])
    #expect((evaluation["live"] as? [String: Any])?["samples"] as? Int == 26)
    // On its own training subjects the model makes no mistake; the held-out figures are reported, not asserted.
    let training = reports[1]
    #expect(((training["attacks"] as? [[String: Any]])?.first?["errors"] as? Int) == 0)
    #expect(((training["live"] as? [String: Any])?["errors"] as? Int) == 0)
  }

  @Test(
    "eval-video makes attack videos from the stills and photos, scores each cue and their fusion on them and on the live clip")
  func videoEvaluation() throws {
    let videos = try Checkout.scratchFolder("liveness-videos")
    let run = try ToolRun.run(
      "att-liveness",
      ["eval-video", "--quick", "--shared", Checkout.shared, "--videos", videos, "--models", "\(Checkout.root)/Models", "--json"])
    #expect(run.status == 0, "\(run.stderr)")
    let report = try #require(
      try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
    let rows = report["rows"] as? [[String: Any]] ?? []
    #expect(
      rows.map { $0["setting"] as? String } == [
        "blink", "motion", "texture", "context", "screen", "device", "blink+motion", "blink+motion+context+screen+device",
        "blink+motion+device", "blink+motion+screen", "all", "default (blink+motion+screen+device)",
      ])
    // Cues that never say live are scored as such, alone (their rows carry no time to live).
    #expect(
      rows.filter { $0["attack_only"] as? Bool == true }.map { $0["setting"] as? String } == [
        "texture", "context", "screen", "device",
      ])
    #expect(rows.filter { $0["attack_only"] as? Bool == true }.allSatisfy { $0["median_live_after"] == nil })
    let defaults = try #require(rows.last)
    let attacks = defaults["attacks"] as? [[String: Any]] ?? []
    #expect(attacks.map { $0["kind"] as? String } == ["print", "screen photo", "screen replay"], "APCER per attack type")
    #expect(attacks.first?["samples"] as? Int == 6)
    #expect(attacks.first?["errors"] as? Int == 0, "no printed or hand-held photo is judged live with the defaults")
    // The Hamilton clip replayed on a rendered tablet: the mechanism, not a figure. Its moire (about
    // 20) is under the screen line set above every live face of ../shared (40), so blink and motion
    // accept it; the context cue (a frame moving with the face, for a fixed camera) refuses it.
    #expect(attacks.last?["samples"] as? Int == 1)
    let context = try #require(rows.first { $0["setting"] as? String == "blink+motion+context+screen+device" })
    #expect(
      ((context["attacks"] as? [[String: Any]])?.last?["errors"] as? Int) == 0, "the held tablet's frame moves with the face")
    let live = defaults["live"] as? [String: Any] ?? [:]
    let samples = live["samples"] as? Int ?? 0, errors = live["errors"] as? Int ?? 0
    #expect(samples >= 3, "the clip's faces of 48 px and more, in view for 0.9 s")
    #expect(samples - errors >= 2, "the performer's two appearances are judged live within 3 s: \(live)")
    // The videos are kept in --videos and reused by the next run.
    #expect(try FileManager.default.contentsOfDirectory(atPath: videos).filter { $0.hasSuffix(".avi") }.count == 9)
  }

  @Test("a model file of the wrong shape is refused with its path named")
  func badModel() throws {
    let path = try Checkout.scratchFolder("liveness") + "/bad.json"
    try Data(
      #"{"version":1,"feature_count":3,"mean":[0],"scale":[1],"weights":[1],"bias":0,"threshold":0.5,"trained_on":"x"}"#.utf8
    )
    .write(to: URL(fileURLWithPath: path))
    let run = try ToolRun.run("att-liveness", ["eval", "--material", material, "--model", path])
    #expect(run.status != 0)
    #expect(run.stderr.contains(path) && run.stderr.contains("texture model"))
  }

  /// `folder`/site/live/ with one live office clip of ../shared: a site's folder of one recording.
  func officeSite(in folder: String) throws {
    try FileManager.default.createDirectory(atPath: "\(folder)/site/live", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: "\(folder)/site/live/office.mkv", withDestinationPath: "\(Checkout.shared)/faces/video/live_office_sister_ccby4.mkv"
    )
  }

  @Test("eval-video --write-lines sets lines only on a site's own live recordings, and only from enough of them")
  func writeLines() throws {
    let folder = try Checkout.scratchFolder("liveness-write-lines")
    try officeSite(in: folder)
    let lines = "\(folder)/lines.json"
    let models = ["--models", "\(Checkout.root)/Models"]
    let rendered = try ToolRun.run("att-liveness", ["eval-video", "--write-lines", lines] + models)
    #expect(rendered.status == 64 && rendered.stderr.contains("--write-lines needs --real DIR"), "\(rendered.stderr)")
    // The rendered set's options mean nothing with --real: refused, not ignored.
    let quick = try ToolRun.run("att-liveness", ["eval-video", "--real", "\(folder)/site", "--quick"] + models)
    #expect(quick.status == 64 && quick.stderr.contains("--quick and --videos are for the rendered set"), "\(quick.stderr)")
    // One live recording of one person: too little to set a line from; nothing is written.
    let one = try ToolRun.run("att-liveness", ["eval-video", "--real", "\(folder)/site", "--write-lines", lines] + models)
    #expect(one.status == 1, "\(one.stderr)")
    #expect(one.stderr.contains("\(folder)/site: 1 live tracks measured the screen's moire"), "\(one.stderr)")
    #expect(!FileManager.default.fileExists(atPath: lines))
    // Scoring at a site's lines says so; a wrong file is named.
    try #"{"screen_moire": 30, "flat_motion": 0.006}"#.write(toFile: lines, atomically: true, encoding: .utf8)
    let scored = try ToolRun.run("att-liveness", ["eval-video", "--real", "\(folder)/site", "--liveness-lines", lines] + models)
    #expect(
      scored.status == 0 && scored.stderr.contains("scoring at the lines of \(lines): screen line 30.0"), "\(scored.stderr)")
    #expect(scored.stdout.contains("screen moire median over 30.0"), "\(scored.stdout)")
    #expect(scored.stderr.contains("warning: \(lines) does not say what its lines were measured on"), "\(scored.stderr)")
    #expect(scored.stdout.contains("Each recording, at the lines of \(lines) ("), "\(scored.stdout)")
    // A line under the live faces' moire refuses them: the table says they were voted attacks, not only slow.
    try #"{"screen_moire": 2, "flat_motion": 0.006}"#.write(toFile: lines, atomically: true, encoding: .utf8)
    let low = try ToolRun.run("att-liveness", ["eval-video", "--real", "\(folder)/site", "--liveness-lines", lines] + models)
    let defaultRow = low.stdout.split(separator: "\n").first { $0.hasPrefix("default (") }
    #expect(low.status == 0 && defaultRow?.contains("voted attack)") == true, "\(low.stdout)")
    let bad = try ToolRun.run(
      "att-liveness", ["eval-video", "--real", "\(folder)/site", "--liveness-lines", "\(folder)/none.json"] + models)
    #expect(bad.status == 78 && bad.stderr.contains("\(folder)/none.json: cannot read"), "\(bad.stderr)")
    let missing = try ToolRun.run("att-liveness", ["eval-video", "--real", "\(folder)/nowhere"] + models)
    #expect(missing.status == 66 && missing.stderr.contains("\(folder)/nowhere: no such folder"), "\(missing.stderr)")
    // --json: the table, then what the defaults made of each recording, a line each.
    let json = try ToolRun.run("att-liveness", ["eval-video", "--real", "\(folder)/site", "--json"] + models)
    #expect(json.status == 0 && json.lines.count == 2, "\(json.stdout)")
    let office = try #require(
      try JSONSerialization.jsonObject(with: Data((json.lines.last ?? "").utf8)) as? [String: Any], "\(json.stdout)")
    #expect(office["recording"] as? String == "live/office.mkv" && office["label"] as? String == "live")
    #expect(office["untracked"] as? Bool == false && office["live_in_time"] as? Int == 1, "\(office)")
    #expect((office["live_after"] as? [Double])?.first.map { $0 < 3 } == true && office["moire_peak"] != nil, "\(office)")
    #expect(
      (office["live_after"] as? [Double])?.allSatisfy { ($0 * 1000).rounded() / 1000 == $0 } == true,
      "times to the millisecond, no float noise: \(office)")
  }

  @Test(
    "eval-video --real names a recording it cannot read and scores the others; an attack type with no recording is unmeasured, not 0%"
  )
  func unreadableRecording() throws {
    let folder = try Checkout.scratchFolder("liveness-unreadable")
    try officeSite(in: folder)
    let broken = "\(folder)/site/live/broken.mp4"
    try FileManager.default.copyItem(atPath: "\(Checkout.shared)/bad-inputs/text_file.jpg", toPath: broken)
    // A live recording in which no face is ever seen (a cup on a table) is in no BPCER, and said so.
    try FileManager.default.createSymbolicLink(
      atPath: "\(folder)/site/live/cup.mp4", withDestinationPath: "\(Checkout.shared)/faces/video/negative_cup_opencv.mp4")
    let lines = "\(folder)/lines.json"
    let run = try ToolRun.run(
      "att-liveness",
      ["eval-video", "--real", "\(folder)/site", "--write-lines", lines, "--verbose", "--models", "\(Checkout.root)/Models"])
    #expect(run.status == 1, "\(run.stderr)")
    #expect(run.stderr.contains("not scored: \(broken)"), "\(run.stderr)")
    #expect(
      run.stderr.contains("1 of 3 videos not scored (named above); the figures are over the other 2, and no lines were written"))
    #expect(
      run.stdout.contains("(untracked: 1 of 2 live recordings had no face tracked long and large enough to judge (live/cup.mp4)"),
      "\(run.stdout)")
    #expect(!FileManager.default.fileExists(atPath: lines), "lines are set on every recording or none")
    // The readable one is scored all the same.
    #expect(run.stdout.contains("live: live/office.mkv, "), "\(run.stdout)")
    let table = run.stdout.split(separator: "\n").map(String.init)
    let defaults = try #require(table.first { $0.hasPrefix("default (") })
    #expect(defaults.components(separatedBy: "no videos").count == 3, "print and replay unmeasured: \(defaults)")
    #expect(run.stdout.contains("APCER is unmeasured, not 0"))
    // A cue that only votes attack, alone: refused or not, never a time to live.
    let screen = try #require(table.first { $0.hasPrefix("screen ") })
    #expect(screen.contains("refused)") && screen.hasSuffix("attack only"), "\(screen)")
    // --verbose: every figure a track shows is in the legend before the tracks.
    let legend = run.stdout.components(separatedBy: "\n").prefix { !$0.isEmpty }.map {
      $0.split(separator: ":").first.map(String.init) ?? ""
    }.joined(separator: ",")
    let names = Set(
      table.filter { $0.hasPrefix("  track ") }.flatMap { line in
        line.split(separator: " ").filter { $0.contains("=") }.map { String($0.split(separator: "=")[0]) }
      })
    #expect(names.count > 10, "\(run.stdout)")
    for name in names { #expect(legend.contains(name), "\(name) is not in the legend: \(legend)") }
    // --json names them too, for a script: the recording not read, and the one with no face.
    let json = try ToolRun.run(
      "att-liveness", ["eval-video", "--real", "\(folder)/site", "--json", "--models", "\(Checkout.root)/Models"])
    #expect(json.status == 1 && json.stderr.contains("not scored: \(broken)"), "\(json.stderr)")
    let report = try #require(
      try JSONSerialization.jsonObject(with: Data((json.lines.first ?? "").utf8)) as? [String: Any], "\(json.stdout)")
    #expect(report["not_scored"] as? [String] == [broken], "\(report)")
    #expect(report["live_untracked"] as? [String] == ["live/cup.mp4"] && report["live_recordings"] as? Int == 2, "\(report)")
    #expect(report.keys.allSatisfy { !$0.contains(where: \.isUppercase) }, "snake_case keys: \(report.keys.sorted())")
    #expect(report["live_within_seconds"] as? Double == 3, "\(report)")
  }
}
