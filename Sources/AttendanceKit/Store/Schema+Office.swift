import GRDB

extension Schema {
  /// The migrations from v8 on, in order after v7: what the office's work needs (corrections and
  /// excusals, the school calendar, camera tokens bound to their ids, teachers' classes, the review
  /// of liveness refusals, the crops of arrivals). Append the next migration here; never edit one that has shipped.
  static func registerOfficeMigrations(_ migrator: inout DatabaseMigrator) {
    migrator.registerMigration("v8: corrections, excusals, the school calendar") { db in
      // A record marked by hand carries its note and who marked it (a camera's record has neither).
      try db.alter(table: "attendance") { t in
        t.add(column: "note", .text)
        t.add(column: "marked_by", .text)
      }
      // A person excused for a day: not absent, and not present either. class_id '' is every class.
      try db.create(table: "excusals") { t in
        t.column("person_id", .text).notNull().references("people", onDelete: .cascade)
        t.column("class_id", .text).notNull().defaults(to: "")
        t.column("local_day", .text).notNull()
        t.column("note", .text)
        t.column("actor", .text).notNull()
        t.column("created_at", .datetime).notNull()
        t.primaryKey(["person_id", "class_id", "local_day"])
      }
      // The school calendar: the weekdays that are school days (ISO numbers, 1 Monday to 7 Sunday,
      // in store_facts), the holidays, and each class's start time (an arrival after it is late).
      try db.create(table: "holidays") { t in
        t.primaryKey("day", .text)
        t.column("name", .text).notNull()
      }
      try db.alter(table: "classes") { t in t.add(column: "starts_at", .text) }
      // An unknown face carries its nearest enrolled person, its snapshot in the media library (kept
      // for the retention period), and what an admin made of it: enrolled, assigned or dismissed.
      try db.alter(table: "unknown_faces") { t in
        t.add(column: "nearest_person_id", .text)
        t.add(column: "media_path", .text)
        t.add(column: "resolution", .text)
        t.add(column: "resolved_by", .text)
        t.add(column: "resolved_at", .datetime)
      }
      try db.execute(sql: "INSERT OR IGNORE INTO store_facts (key, value) VALUES ('school_weekdays', '1,2,3,4,5')")
    }
    migrator.registerMigration("v9: camera tokens bound to their device ids") { db in
      // A camera token made with --device may report for those ids only, and no other token may.
      try db.create(table: "token_devices") { t in
        t.column("token_name", .text).notNull().references("api_tokens", onDelete: .cascade)
        t.column("device_id", .text).notNull().unique()
        t.primaryKey(["token_name", "device_id"])
      }
    }
    migrator.registerMigration("v10: a teacher's classes") { db in
      // The teacher role: SQLite cannot change a CHECK, so the users table is rebuilt with the same
      // rows (foreign keys are off while migrating, so the sessions stay).
      try db.create(table: "users_v10") { t in
        t.primaryKey("name", .text)
        t.column("password_hash", .text).notNull()
        t.column("role", .text).notNull().check { ["viewer", "teacher", "admin"].contains($0) }
        t.column("created_at", .datetime).notNull()
      }
      try db.execute(sql: "INSERT INTO users_v10 SELECT name, password_hash, role, created_at FROM users")
      try db.drop(table: "users")
      try db.rename(table: "users_v10", to: "users")
      // A teacher account sees and corrects these classes only.
      try db.create(table: "user_classes") { t in
        t.column("user_name", .text).notNull().references("users", onDelete: .cascade)
        t.column("class_id", .text).notNull()
        t.primaryKey(["user_name", "class_id"])
      }
    }
    migrator.registerMigration("v11: liveness refusals") { db in
      // A recognised person att-take did not mark for liveness, once per track, for review: the
      // crop (in the media library, kept for the retention period, like an unknown face's), the
      // verdict and its reason, and what an admin or teacher made of it (present or dismissed).
      try db.create(table: "liveness_refusals") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("observation_id", .text).notNull().unique()
        t.column("person_id", .text).notNull().indexed().references("people", onDelete: .cascade)
        t.column("device_id", .text).references("devices")
        t.column("class_id", .text)
        t.column("direction", .text).notNull()
        t.column("captured_at", .text).notNull()
        t.column("local_day", .text).notNull()
        t.column("verdict", .text).notNull()
        t.column("reason", .text).notNull()
        t.column("distance", .double)
        t.column("figures", .jsonText)
        t.column("snapshot_path", .text)
        t.column("media_path", .text)
        t.column("resolution", .text)
        t.column("resolved_by", .text)
        t.column("resolved_at", .datetime)
      }
    }
    migrator.registerMigration("v12: the crops of camera-marked arrivals") { db in
      // The crop a camera sent with an arrival (--snapshots), in the media library's review folder,
      // kept for the snapshot retention period: who was marked can be checked, not only who was not.
      try db.alter(table: "attendance") { t in t.add(column: "media_path", .text) }
    }
    migrator.registerMigration("v13: why a camera judged an arrival live") { db in
      // As a refusal keeps its reason, an arrival keeps the cues that said live ("live: solid head
      // motion", "live: blink", a challenge passed): whoever checks who the cameras marked sees how.
      try db.alter(table: "attendance") { t in t.add(column: "liveness_reason", .text) }
    }
    migrator.registerMigration("v14: each camera's liveness policy") { db in
      // What each camera runs (gate, kiosk, or off: photos held up are marked), as it reports it:
      // the dashboard shows it beside the camera, and a camera left with liveness off stands out.
      try db.alter(table: "camera_status") { t in
        t.add(column: "liveness_policy", .text)
        t.add(column: "liveness_cues", .text)
      }
    }
  }
}
