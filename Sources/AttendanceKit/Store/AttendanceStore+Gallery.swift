import FaceKit
import Foundation
import GRDB

extension AttendanceStore {
  /// This database's gallery id (made once, by the migration), which tells its versions from another's.
  public func galleryID() throws -> String {
    try writer.read { db in try Self.galleryID(db) }
  }

  static func galleryID(_ db: Database) throws -> String {
    try String.fetchOne(db, sql: "SELECT value FROM store_facts WHERE key = 'gallery_id'") ?? "0"
  }

  /// The gallery's current version: its id and the last change's sequence number.
  public func galleryVersion() throws -> GalleryVersion {
    try writer.read { db in
      GalleryVersion(
        gallery: try Self.galleryID(db),
        sequence: try Int64.fetchOne(db, sql: "SELECT ifnull(max(seq), 0) FROM gallery_changes") ?? 0)
    }
  }

  /// What a camera at `since` needs to match faces with `model`, read in one transaction: everything
  /// (`full`) when it has nothing, another database's version or a version from the future (a
  /// database restored from a backup); otherwise only the people who changed after `since`.
  public func galleryUpdate(model: String, since: GalleryVersion?) throws -> GalleryUpdate {
    try writer.read { db in
      let gallery = try Self.galleryID(db)
      let current = try Int64.fetchOne(db, sql: "SELECT ifnull(max(seq), 0) FROM gallery_changes") ?? 0
      if let since, since.gallery == gallery, since.sequence <= current {
        let changed = try String.fetchAll(
          db, sql: "SELECT DISTINCT person_id FROM gallery_changes WHERE seq > ? ORDER BY person_id", arguments: [since.sequence])
        var people: [GalleryUpdate.Person] = []
        // A few hundred ids at a time: SQLite limits the number of bound values in one statement.
        for start in stride(from: 0, to: changed.count, by: 500) {
          let ids = Array(changed[start..<min(start + 500, changed.count)])
          people += try Self.galleryPeople(db, model: model, ids: ids)
        }
        let present = Set(people.map(\.id))
        return GalleryUpdate(
          gallery: gallery, version: current, model: model, full: false, people: people,
          removed: changed.filter { !present.contains($0) })
      }
      return GalleryUpdate(
        gallery: gallery, version: current, model: model, full: true, people: try Self.galleryPeople(db, model: model, ids: nil),
        removed: [])
    }
  }

  /// Active people with at least one embedding of `model` (all of them, or those in `ids`), each
  /// with every embedding, in sample order.
  private static func galleryPeople(_ db: Database, model: String, ids: [String]?) throws -> [GalleryUpdate.Person] {
    var arguments: StatementArguments = [model]
    var only = ""
    if let ids {
      only = "AND p.id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ",")))"
      arguments += StatementArguments(ids)
    }
    let rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT p.id, p.name, e.vector FROM embeddings e JOIN face_samples s ON s.id = e.sample_id
        JOIN people p ON p.id = s.person_id
        WHERE e.model = ? AND p.active = 1 \(only) ORDER BY p.id, s.id
        """, arguments: arguments)
    var people: [GalleryUpdate.Person] = []
    var current: (id: String, name: String, vectors: [Data])?
    while let row = try rows.next() {
      let id: String = row["id"]
      if current?.id != id {
        if let done = current { people.append(GalleryUpdate.Person(id: done.id, name: done.name, embeddings: done.vectors)) }
        current = (id, row["name"], [])
      }
      current!.vectors.append(row["vector"])
    }
    if let done = current { people.append(GalleryUpdate.Person(id: done.id, name: done.name, embeddings: done.vectors)) }
    return people
  }
}

extension AttendanceStore {
  /// A value that changes whenever the gallery does (embeddings added or removed, people renamed or
  /// removed): cheap enough to poll every few seconds from att-take.
  public func galleryStamp() throws -> String {
    try writer.read { db in
      let row = try Row.fetchOne(
        db,
        sql: """
          SELECT (SELECT count(*) FROM embeddings) AS n, (SELECT ifnull(max(id), 0) FROM embeddings) AS last,
                 (SELECT count(*) FROM people WHERE active = 1) AS people, (SELECT ifnull(max(updated_at), '') FROM people) AS changed
          """)
      return "\(row?["n"] ?? 0)/\(row?["last"] ?? 0)/\(row?["people"] ?? 0)/\(row?["changed"] ?? "")"
    }
  }

  /// Every embedding of `model` of an active person, by person and sample: what `Gallery` matches against.
  public func galleryEntries(model: EmbeddingModel) throws -> [Gallery.Entry] {
    try writer.read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT p.id AS person_id, p.name, s.id AS sample_id, e.vector
          FROM embeddings e JOIN face_samples s ON s.id = e.sample_id JOIN people p ON p.id = s.person_id
          WHERE e.model = ? AND p.active = 1 ORDER BY p.id, s.id
          """, arguments: [model.id]
      ).compactMap { row in
        guard let descriptor = FaceDescriptor(blob: row["vector"]) else { return nil }
        return Gallery.Entry(personID: row["person_id"], name: row["name"], sampleID: row["sample_id"], descriptor: descriptor)
      }
    }
  }
}
