#!/usr/bin/env python3
"""Builds the stores `make bench` times att-extract on (standard library only).

  bench-store.py people DB MEDIA PHOTO_DIR   one person per folder of PHOTO_DIR, photos copied into
                                             MEDIA/<person>/ for att-extract to adopt and embed
  bench-store.py inflate DB MEDIA N          grows the store to N samples by hard-linking the existing
                                             files (same size and mtime) for copies of each person
                                             (<id>_copyN: a person never holds one image twice) and
                                             copying their rows and embeddings: a large store without
                                             N descriptor computations
The database must exist (any att tool creates it).
"""
import os, shutil, sqlite3, sys, datetime

def people(db, media, photos):
    con = sqlite3.connect(db)
    now = datetime.datetime.now().isoformat(sep=" ")
    for person in sorted(os.listdir(photos)):
        source = os.path.join(photos, person)
        if not os.path.isdir(source):
            continue
        con.execute("INSERT OR IGNORE INTO people (id, name, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)",
                    (person, person.replace("_", " "), now, now))
        os.makedirs(os.path.join(media, person), exist_ok=True)
        for name in sorted(os.listdir(source)):
            shutil.copyfile(os.path.join(source, name), os.path.join(media, person, name))
    con.commit()

def inflate(db, media, target):
    con = sqlite3.connect(db)
    rows = con.execute("""SELECT s.id, s.person_id, s.media_path, s.sha256, s.source, s.file_size, s.file_mtime,
                          s.created_at, e.model, e.vector, e.created_at
                          FROM face_samples s JOIN embeddings e ON e.sample_id = s.id""").fetchall()
    names = dict(con.execute("SELECT id, name FROM people").fetchall())
    now = datetime.datetime.now().isoformat(sep=" ")
    count = con.execute("SELECT count(*) FROM face_samples").fetchone()[0]
    copy = 0
    while count < target:
        copy += 1
        for (sid, person, path, sha, source, size, mtime, created, model, vector, ecreated) in rows:
            if count >= target:
                break
            twin = f"{person}_copy{copy}"
            con.execute("INSERT OR IGNORE INTO people (id, name, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)",
                        (twin, f"{names[person]} (copy {copy})", now, now))
            new_path = f"{twin}/{os.path.basename(path)}"
            os.makedirs(os.path.join(media, twin), exist_ok=True)
            os.link(os.path.join(media, path), os.path.join(media, new_path))
            cur = con.execute("""INSERT INTO face_samples (person_id, media_path, sha256, source, file_size, file_mtime,
                                 created_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                              (twin, new_path, sha, source, size, mtime, created))
            con.execute("INSERT INTO embeddings (sample_id, model, sample_sha256, vector, created_at) VALUES (?, ?, ?, ?, ?)",
                        (cur.lastrowid, model, sha, vector, ecreated))
            count += 1
    con.commit()
    print(count)

if __name__ == "__main__":
    verb = sys.argv[1]
    if verb == "people":
        people(*sys.argv[2:5])
    elif verb == "inflate":
        inflate(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
