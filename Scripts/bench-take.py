#!/usr/bin/env python3
"""The references `make bench` sets att-take against, on the same clip in the same run.

  bench-take.py video VIDEO PHOTO_DIR    both loops, the known faces encoded once:
    seed:   the seed's loop: detect and encode every face on every frame (face_recognition's
            defaults: HOG, upsample 1), then compare
    faster: face_recognition's facerec_from_webcam_faster.py: quarter-scale frames, every other frame
  bench-take.py clips PHOTO_DIR VIDEO...  the seed's loop as the issue measured it (HOG upsample 0 on
            every full frame, encode every face, compare) on each video: frames/s, faces found
            summed over frames, and tracks (faces linked frame to frame by overlap >= 0.3 with a
            gap of at most 1 s, the rule att-take's HOG pipeline uses), one JSON line per video
  bench-take.py match N                  numpy face_distance of one probe against N embeddings
Known faces are every photo under PHOTO_DIR/<person>/ (encoded before timing starts). Prints JSON.
Run with .venv-reference/bin/python (Scripts/setup-reference installs face_recognition and OpenCV)."""
import json, os, statistics, sys, time

import numpy as np


def known(photo_dir):
    import face_recognition
    encodings, names = [], []
    for person in sorted(os.listdir(photo_dir)):
        folder = os.path.join(photo_dir, person)
        for name in sorted(os.listdir(folder)):
            try:
                found = face_recognition.face_encodings(face_recognition.load_image_file(os.path.join(folder, name)))
            except Exception:
                continue
            if found:
                encodings.append(found[0])
                names.append(person)
    return np.array(encodings), names


def run_video(video, encodings, faster):
    import cv2
    import face_recognition
    capture = cv2.VideoCapture(video)
    frames = recognised = 0
    process = True
    start = time.perf_counter()
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames += 1
        if faster:
            small = cv2.resize(frame, (0, 0), fx=0.25, fy=0.25)
            if process:
                rgb = np.ascontiguousarray(small[:, :, ::-1])
                locations = face_recognition.face_locations(rgb)
                for encoding in face_recognition.face_encodings(rgb, locations):
                    distances = face_recognition.face_distance(encodings, encoding)
                    recognised += int(distances.min() <= 0.6)
            process = not process
        else:
            rgb = np.ascontiguousarray(frame[:, :, ::-1])
            locations = face_recognition.face_locations(rgb)
            for encoding in face_recognition.face_encodings(rgb, locations):
                distances = face_recognition.face_distance(encodings, encoding)
                recognised += int(distances.min() <= 0.6)
    seconds = time.perf_counter() - start
    return {"frames": frames, "seconds": seconds, "frames_per_second": frames / seconds, "matches": recognised}


def iou(a, b):
    top, right, bottom, left = a
    t2, r2, b2, l2 = b
    w = min(right, r2) - max(left, l2)
    h = min(bottom, b2) - max(top, t2)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((right - left) * (bottom - top) + (r2 - l2) * (b2 - t2) - inter)


def run_clip(video, encodings):
    import cv2
    import face_recognition
    capture = cv2.VideoCapture(video)
    fps = capture.get(cv2.CAP_PROP_FPS) or 25
    frames = faces = tracks = 0
    open_tracks = []  # (box, last time)
    start = time.perf_counter()
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        now = frames / fps
        frames += 1
        rgb = np.ascontiguousarray(frame[:, :, ::-1])
        locations = face_recognition.face_locations(rgb, number_of_times_to_upsample=0)
        for encoding in face_recognition.face_encodings(rgb, locations):
            if len(encodings):
                face_recognition.face_distance(encodings, encoding)
        faces += len(locations)
        open_tracks = [t for t in open_tracks if now - t[1] <= 1.0]
        used = set()
        for box in locations:
            best = max(((iou(t[0], box), i) for i, t in enumerate(open_tracks) if i not in used), default=(0, -1))
            if best[0] >= 0.3:
                used.add(best[1])
                open_tracks[best[1]] = (box, now)
            else:
                open_tracks.append((box, now))
                used.add(len(open_tracks) - 1)
                tracks += 1
    seconds = time.perf_counter() - start
    return {"video": video, "frames": frames, "seconds": seconds, "frames_per_second": frames / max(seconds, 1e-9),
            "faces": faces, "tracks": tracks}


def match(n):
    rng = np.random.default_rng(1)
    gallery = rng.normal(size=(n, 128)).astype(np.float64)
    gallery /= np.linalg.norm(gallery, axis=1, keepdims=True) * 2
    import face_recognition
    times = []
    for i in range(min(200, max(20, 2_000_000 // n))):
        probe = gallery[i % n] + 0.01
        t = time.perf_counter()
        face_recognition.face_distance(gallery, probe).argmin()
        times.append((time.perf_counter() - t) * 1000)
    return {"n": n, "ms_per_probe": statistics.median(times)}


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "video":
        encodings, _ = known(sys.argv[3])
        print(json.dumps({"known": len(encodings), "seed": run_video(sys.argv[2], encodings, False),
                          "faster": run_video(sys.argv[2], encodings, True)}))
    elif mode == "clips":
        encodings, _ = known(sys.argv[2])
        for video in sys.argv[3:]:
            print(json.dumps(run_clip(video, encodings)), flush=True)
    elif mode == "match":
        print(json.dumps(match(int(sys.argv[2]))))
    else:
        sys.exit(__doc__)
