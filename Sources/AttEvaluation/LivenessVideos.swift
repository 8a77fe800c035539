import AttendanceKit
import FaceKit
import Foundation

/// The evaluation videos. None of their faces is in the texture model's training split (NUAA
/// subjects 0001-0002): attacks are made from the print and screen stills, NUAA subject 0003's
/// print crops, and the photos of ../shared/faces/people (an attacker's photo of an enrolled
/// person: digital photos, so the texture of a print is not simulated); bona fide presentations are
/// the real video in ../shared/faces/video, the only live video there is.
public enum LivenessVideos {
  /// How much of each kind to build: `quick` for the tests (a handful of videos), `full` for the report.
  public enum Size: String, Sendable {
    case quick
    case full
  }

  /// Builds the videos into `folder` (created) from `shared` (the ../shared folder) at `fps`.
  public static func build(
    into folder: String, shared: String, size: Size = .full, fps: Double = 15, seconds: Double = 6,
    log: (String) -> Void = { _ in }
  ) throws -> [LivenessPresentation] {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let frames = Int(seconds * fps)
    // The replay runs as long as the clip's part with a large face (the performer from 4 s on).
    let replayFrames = Int(max(seconds, 10) * fps)
    let liveness = "\(shared)/faces/liveness", people = "\(shared)/faces/people"
    var plan: [(String, LivenessSample.Kind, String, StillsVideo.Shot)] = []
    var presentations: [LivenessPresentation] = []
    // Live material: the clips of live faces (not the negatives, which hold none). The quick set
    // keeps to the Hamilton clip, whose three faces the tests know.
    let clips = ((try? FileManager.default.contentsOfDirectory(atPath: "\(shared)/faces/video"))?.sorted() ?? []).filter { clip in
      ["mp4", "gif", "mkv"].contains((clip as NSString).pathExtension) && !clip.hasPrefix("negative_")
        && !clip.hasPrefix("hardneg_")
        && (size == .full || clip == "short_hamilton_clip.mp4")
    }
    for clip in clips {
      presentations.append(
        LivenessPresentation(
          name: "live-\((clip as NSString).deletingPathExtension)", kind: .live, material: "real video of live faces",
          path: "\(shared)/faces/video/\(clip)"))
    }
    let printStill = "\(liveness)/spoof_print/image_F1.jpg", screenStill = "\(liveness)/spoof_screen/image_F2.jpg"
    let seeds: [UInt64] = size == .quick ? [1] : [1, 2, 3]
    if FileManager.default.fileExists(atPath: printStill) {
      for seed in seeds {
        plan.append(
          (
            "print-hand-F1-\(seed)", .print, "real printed photo (still F1), hand-held",
            .handHeld(printStill, frames: frames, seed: seed)
          ))
      }
      plan.append(
        (
          "print-turned-F1", .print, "real printed photo (still F1), turned in depth",
          .turned(printStill, frames: frames)
        ))
    }
    if FileManager.default.fileExists(atPath: screenStill) {
      for seed in seeds {
        plan.append(
          (
            "screen-hand-F2-\(seed)", .screen, "real photo of a tablet (still F2), rendered in a hand",
            .handHeld(screenStill, frames: frames, seed: seed)
          ))
      }
    }
    let nuaa = "\(liveness)/nuaa_spoof_print/0003"
    let crops = ((try? FileManager.default.contentsOfDirectory(atPath: nuaa)) ?? []).filter(ImageFiles.isImageName).sorted()
    for (k, crop) in crops.enumerated() where k % 5 == 0 && (size == .full || k == 0) {
      plan.append(
        (
          "print-hand-nuaa0003-\(k)", .print, "real printed photo (NUAA 0003 crop), hand-held",
          .handHeld("\(nuaa)/\(crop)", frames: frames, seed: UInt64(100 + k))
        ))
    }
    let folks = ((try? FileManager.default.contentsOfDirectory(atPath: people)) ?? []).sorted()
    for (k, person) in folks.enumerated() where size == .full || k < 2 {
      guard
        let photo = ((try? FileManager.default.contentsOfDirectory(atPath: "\(people)/\(person)")) ?? [])
          .filter(ImageFiles.isImageName).sorted().first
      else { continue }
      let path = "\(people)/\(person)/\(photo)"
      plan.append(
        ("photo-hand-\(person)", .print, "photo of a person, hand-held", .handHeld(path, frames: frames, seed: UInt64(200 + k))))
      if k % 2 == 0 {
        plan.append(("photo-turned-\(person)", .print, "photo of a person, turned in depth", .turned(path, frames: frames)))
      } else {
        plan.append(
          (
            "screen-photo-\(person)", .screen, "photo of a person on a rendered tablet, hand-held",
            .screen(path, frames: frames, seed: UInt64(300 + k))
          ))
      }
    }
    for clip in clips {
      for seed in seeds {
        plan.append(
          (
            "screen-replay-\((clip as NSString).deletingPathExtension)-\(seed)", .screen,
            "real video replayed on a rendered tablet, hand-held",
            .replay("\(shared)/faces/video/\(clip)", frames: replayFrames, seed: 400 + seed, fill: 1.3)
          ))
      }
    }
    for (name, kind, material, shot) in plan {
      let path = "\(folder)/\(name).avi"
      // Made once: a folder kept with --keep is reused (the seeds make the same video every time).
      if !FileManager.default.fileExists(atPath: path) {
        log("making \(name)")
        try StillsVideo.make(path + ".part.avi", shots: [shot], fps: fps)
        try FileManager.default.moveItem(atPath: path + ".part.avi", toPath: path)
      }
      presentations.append(LivenessPresentation(name: name, kind: kind, material: material, path: path))
    }
    return presentations
  }

}
