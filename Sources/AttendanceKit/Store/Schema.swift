import GRDB

/// The database schema as one list of named, append-only migrations. Every tool opens the database
/// through `AttendanceStore`, which runs them: there is no separate init step, and an old database
/// is upgraded in place. Never edit a migration that has shipped; add the next one.
enum Schema {
  /// The first migration's name: a database that has it applied is an att database.
  static let first = "v1: people, faces, embeddings, classes, devices, attendance"

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration(first) { db in
      try db.create(table: "people") { t in
        t.primaryKey("id", .text)  // chosen by the operator, e.g. a roll number such as 21CS001
        t.column("name", .text).notNull()
        t.column("active", .boolean).notNull().defaults(to: true)
        t.column("created_at", .datetime).notNull()
        t.column("updated_at", .datetime).notNull()
      }
      try db.create(table: "face_samples") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("person_id", .text).notNull().indexed().references("people", onDelete: .cascade)
        t.column("media_path", .text).notNull().unique()
        t.column("sha256", .text).notNull()
        t.column("source", .text).notNull()
        t.column("captured_at", .text)
        t.column("width", .integer)
        t.column("height", .integer)
        t.column("quality", .jsonText)  // the figures the quality gate measured
        t.column("created_at", .datetime).notNull()
        t.uniqueKey(["person_id", "sha256"])
      }
      try db.create(table: "embeddings") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("sample_id", .integer).notNull().indexed().references("face_samples", onDelete: .cascade)
        t.column("model", .text).notNull()
        t.column("sample_sha256", .text).notNull()  // the image bytes it was computed from
        t.column("vector", .blob).notNull()  // 128 little-endian float32
        t.column("created_at", .datetime).notNull()
        t.uniqueKey(["sample_id", "model"])
      }
      try db.create(table: "classes") { t in
        t.primaryKey("id", .text)
        t.column("name", .text).notNull()
        t.column("created_at", .datetime).notNull()
      }
      try db.create(table: "devices") { t in
        t.primaryKey("id", .text)
        t.column("name", .text)
        t.column("location", .text)
        t.column("last_seen_at", .datetime)
      }
      try db.create(table: "attendance") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("observation_id", .text).notNull().unique()  // the UUID of the first observation
        t.column("person_id", .text).notNull().indexed().references("people", onDelete: .cascade)
        t.column("class_id", .text).indexed().references("classes")
        t.column("device_id", .text).indexed().references("devices")
        t.column("captured_at", .text).notNull()  // ISO 8601 with the camera's UTC offset
        t.column("local_day", .text).notNull()  // YYYY-MM-DD in the camera's time zone
        t.column("recorded_at", .datetime).notNull()
        t.column("direction", .text).notNull().check { ["in", "out"].contains($0) }
        t.column("distance", .double)
        t.column("liveness", .text)
        t.column("liveness_figures", .jsonText)
        t.column("snapshot_path", .text)
        t.column("duplicates", .integer).notNull().defaults(to: 0)
      }
      // The attendance rule: one record per person, class, local day and direction.
      try db.execute(
        sql: """
          CREATE UNIQUE INDEX attendance_once_a_day
          ON attendance(person_id, ifnull(class_id, ''), local_day, direction)
          """)
      try db.create(table: "observations") { t in
        t.primaryKey("id", .text)  // every observation UUID ever applied: replays change nothing
        t.column("attendance_id", .integer).indexed().references("attendance", onDelete: .cascade)
        t.column("outcome", .text).notNull()
        t.column("received_at", .datetime).notNull()
      }
      try db.create(table: "unknown_faces") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("device_id", .text).indexed().references("devices")
        t.column("captured_at", .text).notNull()
        t.column("snapshot_path", .text)
        t.column("nearest_distance", .double)
      }
    }
    migrator.registerMigration("v2: sample file state and extraction failures") { db in
      // att-extract compares size and modification time before hashing: an unchanged store of
      // 10,000 samples is checked with stat calls alone. A failure is remembered with the digest it
      // was seen on, so an unchanged bad file is not analysed again on every run.
      try db.alter(table: "face_samples") { t in
        t.add(column: "file_size", .integer)
        t.add(column: "file_mtime", .double)
        t.add(column: "failure", .text)
        t.add(column: "failure_code", .text)
        t.add(column: "failed_sha256", .text)
      }
    }
    migrator.registerMigration("v3: class membership") { db in
      // Who belongs to a class: the roll a day's attendance is counted against (absent = member,
      // not recorded). A person enrolled with --class joins it; removing the person removes them.
      try db.create(table: "class_members") { t in
        t.column("class_id", .text).notNull().references("classes", onDelete: .cascade)
        t.column("person_id", .text).notNull().indexed().references("people", onDelete: .cascade)
        t.column("joined_at", .datetime).notNull()
        t.primaryKey(["class_id", "person_id"])
      }
    }
    migrator.registerMigration("v4: unknown faces carry their observation id") { db in
      // An unknown-face message may be redelivered like any other: its UUID makes the insert idempotent.
      try db.alter(table: "unknown_faces") { t in t.add(column: "observation_id", .text) }
      try db.create(index: "unknown_faces_observation", on: "unknown_faces", columns: ["observation_id"], unique: true)
    }
    migrator.registerMigration("v5: dashboard accounts, API tokens, audit log, attendance by day") { db in
      // att-serve's accounts: passwords as PBKDF2 digests, never in clear; roles viewer and admin.
      try db.create(table: "users") { t in
        t.primaryKey("name", .text)
        t.column("password_hash", .text).notNull()
        t.column("role", .text).notNull().check { ["viewer", "admin"].contains($0) }
        t.column("created_at", .datetime).notNull()
      }
      // Tokens for scripts: only their SHA-256 is stored; the token is shown once, when made.
      try db.create(table: "api_tokens") { t in
        t.primaryKey("name", .text)
        t.column("token_sha256", .text).notNull().unique()
        t.column("role", .text).notNull().check { ["viewer", "admin"].contains($0) }
        t.column("created_at", .datetime).notNull()
        t.column("last_used_at", .datetime)
      }
      // Who changed what by hand (rename, remove, attendance corrections), kept when the target goes.
      try db.create(table: "audit_log") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("at", .datetime).notNull()
        t.column("actor", .text).notNull()
        t.column("action", .text).notNull()
        t.column("target", .text).notNull()
        t.column("details", .jsonText)
      }
      // The dashboard reads attendance by day, and by class and day; with person_id in the index the
      // per-person counts of a class's report never touch the table.
      try db.create(index: "attendance_day", on: "attendance", columns: ["local_day"])
      try db.create(index: "attendance_class_day", on: "attendance", columns: ["class_id", "local_day", "person_id"])
    }
    migrator.registerMigration("v6: event outbox, server-side sessions") { db in
      // Events written in the transaction that made them and published after its commit by a relay
      // (att-worker): a worker killed between commit and publish leaves them here, not lost.
      try db.create(table: "outbox") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("body", .blob).notNull()  // the event's JSON, with its own event_id
        t.column("created_at", .datetime).notNull()
      }
      // Signed-in sessions: the cookie names one by its random id (only its SHA-256 is kept), so
      // sign-out, a password change or an account's removal ends it at once on every att-serve.
      try db.create(table: "sessions") { t in
        t.primaryKey("id_sha256", .text)
        t.column("user_name", .text).notNull().indexed().references("users", onDelete: .cascade)
        t.column("created_at", .datetime).notNull()
        t.column("expires_at", .datetime).notNull()
      }
    }
    migrator.registerMigration("v7: camera tokens, the gallery's change log, camera status") { db in
      // Camera hosts hold no database: they read the gallery from att-serve with a token of the new
      // camera role. SQLite cannot change a CHECK, so the tokens table is rebuilt with the same rows.
      try db.create(table: "api_tokens_v7") { t in
        t.primaryKey("name", .text)
        t.column("token_sha256", .text).notNull().unique()
        t.column("role", .text).notNull().check { ["viewer", "admin", "camera"].contains($0) }
        t.column("created_at", .datetime).notNull()
        t.column("last_used_at", .datetime)
      }
      try db.execute(sql: "INSERT INTO api_tokens_v7 SELECT name, token_sha256, role, created_at, last_used_at FROM api_tokens")
      try db.drop(table: "api_tokens")
      try db.rename(table: "api_tokens_v7", to: "api_tokens")
      // Which people's part of the gallery changed, in order: a camera at version N is sent the
      // current state of every person with a change after N. Triggers write it, so every path that
      // adds or drops an embedding, renames or removes someone (the handler, att-extract, a cascade)
      // is counted, and nothing biometric is kept here: only person ids.
      try db.create(table: "gallery_changes") { t in
        t.autoIncrementedPrimaryKey("seq")
        t.column("person_id", .text).notNull()
      }
      let log = "INSERT INTO gallery_changes (person_id)"
      try db.execute(
        sql: """
          CREATE TRIGGER gallery_embedding_added AFTER INSERT ON embeddings BEGIN
            \(log) SELECT person_id FROM face_samples WHERE id = NEW.sample_id; END;
          CREATE TRIGGER gallery_embedding_changed AFTER UPDATE OF vector, model ON embeddings BEGIN
            \(log) SELECT person_id FROM face_samples WHERE id = NEW.sample_id; END;
          CREATE TRIGGER gallery_embedding_dropped AFTER DELETE ON embeddings BEGIN
            \(log) SELECT person_id FROM face_samples WHERE id = OLD.sample_id; END;
          CREATE TRIGGER gallery_sample_dropped AFTER DELETE ON face_samples BEGIN
            \(log) VALUES (OLD.person_id); END;
          CREATE TRIGGER gallery_person_changed AFTER UPDATE OF name, active ON people BEGIN
            \(log) VALUES (NEW.id); END;
          CREATE TRIGGER gallery_person_dropped AFTER DELETE ON people BEGIN
            \(log) VALUES (OLD.id); END;
          """)
      // Facts about this database: its gallery id tells a camera's cache from another database's.
      try db.create(table: "store_facts") { t in
        t.primaryKey("key", .text)
        t.column("value", .text).notNull()
      }
      try db.execute(sql: "INSERT INTO store_facts (key, value) VALUES ('gallery_id', lower(hex(randomblob(8))))")
      // The newest status each camera reported (one row per camera, replaced at every report).
      try db.create(table: "camera_status") { t in
        t.primaryKey("device_id", .text)
        t.column("reported_by", .text)  // the camera token's name, or "local" for a camera with the database
        t.column("name", .text)  // the display name the camera was started with
        t.column("source_kind", .text).notNull()
        t.column("state", .text).notNull()  // running, or stopped when it said goodbye
        t.column("interval", .double).notNull()  // seconds between its reports
        t.column("started_at", .datetime)
        t.column("frames", .integer).notNull()
        t.column("frames_per_second", .double)
        t.column("dropped", .integer).notNull()
        t.column("faces", .integer).notNull()
        t.column("last_frame_at", .datetime)
        t.column("gallery_version", .text)
        t.column("gallery_people", .integer)
        t.column("gallery_source", .text)  // server, cache or database
        t.column("received_at", .datetime).notNull()
      }
    }
    // v8 on: the office's side (corrections, the calendar, camera tokens, teachers, the review of
    // liveness refusals), in Schema+Office.swift.
    registerOfficeMigrations(&migrator)
    return migrator
  }
}
