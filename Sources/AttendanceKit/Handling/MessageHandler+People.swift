import FaceKit
import Foundation

/// The messages about people: enrolment (register), removal and renaming.
extension MessageHandler {
  // MARK: register

  func apply(_ m: RegisterMessage) throws -> HandlingResult {
    // Every crop must decode as a JPEG now: one that does not can never become an embedding.
    var sizes: [(width: Int, height: Int)] = []
    for (index, face) in m.faces.enumerated() {
      guard face.jpeg.starts(with: [0xFF, 0xD8, 0xFF]) else {
        return rejected("register \(m.id): faces[\(index)] is not JPEG data")
      }
      do throws(FaceKitError) {
        let image = try Image(data: face.jpeg, source: "faces[\(index)]", limits: .standard)
        sizes.append((image.width, image.height))
      } catch {
        return rejected("register \(m.id): \(error.description)")
      }
    }
    // Files first, named by content (rewriting is a no-op); rows second, in one transaction. If the
    // transaction fails, the files this call created are removed again: nothing is half-written.
    var created: [String] = []
    var crops: [(path: String, sha: String, face: FaceCrop, width: Int, height: Int)] = []
    do {
      for (face, size) in zip(m.faces, sizes) {
        let sha = face.jpeg.sha256Hex
        let path = media.relativePath(personID: m.personID, sha256: sha)
        if try media.write(face.jpeg, to: media.fullPath(path)) { created.append(media.fullPath(path)) }
        crops.append((path, sha, face, size.width, size.height))
      }
      return try write(nil) { tx -> HandlingResult in
        let now = clock.now()
        try tx.savePerson(m.personID, name: m.name, at: now)
        if let classID = m.classID { try tx.addMember(m.personID, toClass: classID, at: now) }
        var added = 0
        for crop in crops {
          let stored = try tx.addSample(
            personID: m.personID, mediaPath: crop.path, sha256: crop.sha, source: m.source, capturedAt: m.capturedAt.text,
            width: crop.width, height: crop.height, quality: crop.face.quality.map(FiguresJSON.text), at: now)
          if stored { added += 1 }
        }
        var events: [StoreEvent] = [.personRegistered(personID: m.personID, newSamples: added)]
        if added > 0 { events.append(.galleryChanged) }
        let outcome: HandlingResult.Outcome =
          added > 0 || m.faces.isEmpty
          ? .applied("registered \(m.personID) (\(m.name)) with \(added) new face sample(s)")
          : .duplicate("every face of register \(m.id) is already stored for \(m.personID)")
        return HandlingResult(outcome: outcome, events: events)
      }
    } catch {
      for path in created { try? FileManager.default.removeItem(atPath: path) }
      throw error
    }
  }

  // MARK: remove-person

  func apply(_ m: RemovePersonMessage) throws -> HandlingResult {
    var crops: (review: [String], camera: [String]) = ([], [])
    let result = try write(nil) { tx -> HandlingResult in
      guard let name = try tx.personName(m.personID) else {
        return rejected("remove-person \(m.id): unknown person '\(m.personID)'")
      }
      let now = clock.now()
      if let actor = m.actor {
        try tx.audit(
          actor: actor, action: "remove", target: m.personID,
          ["name": name, "samples": "\(try tx.sampleCount(of: m.personID))", "attendance_kept": m.keepAttendance ? "yes" : "no"],
          at: now)
      }
      crops = try tx.removePerson(m.personID, keepingAttendance: m.keepAttendance, at: now)
      return HandlingResult(
        outcome: .applied("removed \(m.personID)\(m.keepAttendance ? ", attendance kept" : " and their attendance")"),
        events: [.personRemoved(personID: m.personID, keptAttendance: m.keepAttendance), .galleryChanged])
    }
    if case .applied = result.outcome {
      try media.erase(personID: m.personID)
      // The cameras' crops of them kept for review go too (a file another row names stays), and
      // att-take's own copies when its --snapshots folder is on this machine (direct mode).
      for path in Set(crops.review) where try !store.snapshotInUse(path) {
        try? FileManager.default.removeItem(atPath: media.fullPath(path))
      }
      for path in Set(crops.camera)
      where (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType == .typeRegular {
        try? FileManager.default.removeItem(atPath: path)
      }
    }
    return result
  }

  // MARK: rename-person

  func apply(_ m: RenamePersonMessage) throws -> HandlingResult {
    try write(nil) { tx -> HandlingResult in
      guard let previous = try tx.personName(m.personID) else {
        return rejected("rename-person \(m.id): unknown person '\(m.personID)'")
      }
      if previous == m.name {
        return HandlingResult(outcome: .duplicate("\(m.personID) is already named \(m.name)"), events: [])
      }
      let now = clock.now()
      try tx.rename(m.personID, to: m.name, at: now)
      if let actor = m.actor {
        try tx.audit(actor: actor, action: "rename", target: m.personID, ["from": previous, "to": m.name], at: now)
      }
      return HandlingResult(
        outcome: .applied("renamed \(m.personID) from \(previous) to \(m.name)"),
        events: [.personRenamed(personID: m.personID, name: m.name)])
    }
  }
}
