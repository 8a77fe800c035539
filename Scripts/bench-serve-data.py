#!/usr/bin/env python3
"""Fills an att database (schema already migrated by an att tool) for the att-serve benchmark:
1,000 people in 10 classes of 100, and 1,000,000 attendance records: each person on each of 1,000
days from 2023-12-01. Usage: bench-serve-data.py DB"""
import datetime
import sqlite3
import sys
import uuid

db = sqlite3.connect(sys.argv[1])
now = "2026-11-25 08:00:00.000"
# Enrolled before the first record, so that every day of the history counts for them (the register,
# the daily counts and the summary's Sessions are all from the day a person was enrolled).
enrolled = "2023-11-01 08:00:00.000"
people = [(f"P{i:04d}", f"Person {i:04d}", enrolled, now) for i in range(1000)]
db.execute("BEGIN")
db.executemany("INSERT INTO people (id, name, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)", people)
db.executemany("INSERT INTO classes (id, name, created_at) VALUES (?, ?, ?)", [(f"C{c:02d}", f"Class {c:02d}", now) for c in range(10)])
db.executemany("INSERT INTO class_members (class_id, person_id, joined_at) VALUES (?, ?, ?)",
               [(f"C{i % 10:02d}", f"P{i:04d}", now) for i in range(1000)])
db.executemany("INSERT INTO devices (id, last_seen_at) VALUES (?, ?)", [(f"cam-{c}", now) for c in range(10)])
first = datetime.date(2023, 12, 1)

def rows():
    for d in range(1000):
        day = (first + datetime.timedelta(days=d)).isoformat()
        for i in range(1000):
            minute = (i * 7 + d) % 60
            yield (str(uuid.uuid4()), f"P{i:04d}", f"C{i % 10:02d}", f"cam-{i % 10}",
                   f"{day}T08:{minute:02d}:00+01:00", day, now, "in", 0.4)

db.executemany("""INSERT INTO attendance (observation_id, person_id, class_id, device_id, captured_at, local_day,
                  recorded_at, direction, distance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows())
db.execute("COMMIT")
db.execute("ANALYZE")
print(db.execute("SELECT count(*) FROM attendance").fetchone()[0])
