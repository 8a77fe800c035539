#!/usr/bin/env python3
"""The references `make bench` sets att-take against, on the same clip in the same run.

  bench-take.py video VIDEO PHOTO_DIR    both loops, the known faces encoded once:
    seed:   the seed's loop: detect and encode every face on every frame (face_recognition's
            defaults: HOG, upsample 1), then compare
    faster: face_recognition's facerec_from_webcam_faster.py: quarter-scale frames, every other frame
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
    elif mode == "match":
        print(json.dumps(match(int(sys.argv[2]))))
    else:
        sys.exit(__doc__)
