#!/usr/bin/env python3
"""The reference for att-serve's benchmark: the seed's stack (Flask's built-in server over sqlite3)
answering the same two questions with the same SQL, bearer token checked the same way (SHA-256 of
the token looked up in api_tokens). Usage: bench-serve-reference.py DB PORT"""
import csv
import hashlib
import io
import logging
import sqlite3
import sys

from flask import Flask, Response, abort, g, jsonify, request

app = Flask(__name__)
logging.getLogger("werkzeug").setLevel(logging.ERROR)
DB = sys.argv[1]


def db():
    if "db" not in g:
        g.db = sqlite3.connect(DB)
    return g.db


@app.teardown_appcontext
def close(_):
    if "db" in g:
        g.db.close()


@app.before_request
def auth():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    digest = hashlib.sha256(token.encode()).hexdigest()
    if db().execute("SELECT 1 FROM api_tokens WHERE token_sha256 = ?", (digest,)).fetchone() is None:
        abort(401)


@app.get("/api/attendance")
def attendance():
    a = request.args
    rows = db().execute(
        """SELECT a.id, a.person_id, p.name, a.class_id, a.device_id, a.captured_at, a.local_day, a.direction,
                  a.distance, a.liveness, a.duplicates
           FROM attendance a JOIN people p ON p.id = a.person_id
           WHERE a.local_day >= ? AND a.local_day <= ? AND a.class_id = ? ORDER BY a.id DESC LIMIT ?""",
        (a["from"], a["to"], a["class"], int(a.get("limit", 100)) + 1)).fetchall()
    keys = ["id", "person_id", "name", "class_id", "device_id", "captured_at", "local_day", "direction", "distance",
            "liveness", "duplicates"]
    items = [dict(zip(keys, r)) for r in rows[:int(a.get("limit", 100))]]
    return jsonify(items=items, next_before=items[-1]["id"] if len(rows) > len(items) else None)


@app.get("/api/export/summary.csv")
def summary():
    a = request.args
    args = (a["from"], a["to"], a["class"])
    where = "a.local_day >= ? AND a.local_day <= ? AND a.class_id = ?"
    sessions = db().execute(f"SELECT count(DISTINCT a.local_day) FROM attendance a WHERE {where}", args).fetchone()[0]
    attended = dict(db().execute(
        f"SELECT a.person_id, count(DISTINCT a.local_day) FROM attendance a WHERE {where} GROUP BY a.person_id", args))
    people = db().execute(
        """SELECT p.id, p.name FROM people p WHERE p.active = 1 AND (p.id IN (SELECT person_id FROM class_members
           WHERE class_id = ?) OR p.id IN (SELECT person_id FROM attendance WHERE class_id = ?)) ORDER BY p.id""",
        (a["class"], a["class"])).fetchall()
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Roll No", "Name", "Attended", "Sessions", "Percentage"])
    for pid, name in people:
        n = attended.get(pid, 0)
        w.writerow([pid, name, n, sessions, f"{(n * 100 / sessions) if sessions else 0:.2f}"])
    return Response(out.getvalue(), mimetype="text/csv")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[2]), threaded=True)
