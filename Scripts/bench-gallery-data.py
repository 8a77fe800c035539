#!/usr/bin/env python3
"""Fills an att database (schema already migrated by an att tool) with PEOPLE people of 4 embeddings
each, for the gallery benchmark. The vectors are real descriptors (att-extract embed's JSON lines on
standard input) with a little noise, so that no two are the same. With --one-more, adds one person
(what an enrolment elsewhere would add) and prints nothing.
Usage: bench-gallery-data.py DB PEOPLE < embeddings.jsonl | bench-gallery-data.py DB --one-more"""
import json
import random
import sqlite3
import struct
import sys

db = sqlite3.connect(sys.argv[1])
now = "2026-12-01 08:00:00.000"
random.seed(7)


def blob(vector):
    return struct.pack("<128f", *[v + random.gauss(0, 0.01) for v in vector])


def add(person, name, vectors):
    db.execute("INSERT INTO people (id, name, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)", (person, name, now, now))
    for k, vector in enumerate(vectors):
        cur = db.execute(
            "INSERT INTO face_samples (person_id, media_path, sha256, source, created_at) VALUES (?, ?, ?, 'bench', ?)",
            (person, f"{person}/{k}.jpg", f"{person}-{k}", now))
        db.execute(
            "INSERT INTO embeddings (sample_id, model, sample_sha256, vector, created_at) VALUES (?, 'dlib_resnet_v1', ?, ?, ?)",
            (cur.lastrowid, f"{person}-{k}", blob(vector), now))


if sys.argv[2] == "--one-more":
    base = [struct.unpack("<128f", row[0]) for row in db.execute("SELECT vector FROM embeddings LIMIT 4")]
    n = db.execute("SELECT count(*) FROM people").fetchone()[0]
    db.execute("BEGIN")
    add(f"NEW{n:06d}", "New Person", base)
    db.execute("COMMIT")
    sys.exit(0)

real = [face["embedding"] for line in sys.stdin for face in json.loads(line).get("faces", [])]
people = int(sys.argv[2])
db.execute("BEGIN")
for i in range(people):
    add(f"P{i:06d}", f"Person {i:06d}", [real[(4 * i + k) % len(real)] for k in range(4)])
db.execute("COMMIT")
print(db.execute("SELECT count(*) FROM embeddings").fetchone()[0])
