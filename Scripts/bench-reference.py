#!/usr/bin/env python3
"""Times Python face_recognition 1.3.0 stage by stage on the given photos, the way facekit-bench
times att's engine, and prints one JSON object of medians in milliseconds.

  bench-reference.py stages [--upsample N] [--repeat N] FILE...   per-stage medians
  bench-reference.py throughput FILE...                            face_encodings over every file once
Run it with .venv-reference/bin/python (Scripts/setup-reference creates it)."""
import json
import statistics
import sys
import time

import face_recognition
from face_recognition import api


def ms(start):
    return (time.perf_counter() - start) * 1000


def stages(files, upsample, repeats):
    decode, detect, landmarks, descriptor, end_to_end = [], [], [], [], []
    faces = 0
    for _ in range(repeats):
        for path in files:
            total = time.perf_counter()
            t = time.perf_counter()
            image = face_recognition.load_image_file(path)
            decode.append(ms(t))
            t = time.perf_counter()
            found = api._raw_face_locations(image, upsample, "hog")
            detect.append(ms(t))
            if not found:
                end_to_end.append(ms(total))
                continue
            t = time.perf_counter()
            shape = api.pose_predictor_5_point(image, found[0])
            landmarks.append(ms(t))
            t = time.perf_counter()
            api.face_encoder.compute_face_descriptor(image, shape, 1)
            descriptor.append(ms(t))
            for rect in found[1:]:
                api.face_encoder.compute_face_descriptor(image, api.pose_predictor_5_point(image, rect), 1)
            end_to_end.append(ms(total))
            faces += len(found)
    return {
        "implementation": "Python face_recognition 1.3.0 (dlib-bin wheel)",
        "images": len(files), "repeats": repeats, "upsample": upsample,
        "faces_per_pass": faces // max(repeats, 1),
        "decode_ms": statistics.median(decode), "detect_ms": statistics.median(detect),
        "landmarks_ms": statistics.median(landmarks), "descriptor_ms": statistics.median(descriptor),
        "end_to_end_ms": statistics.median(end_to_end),
    }


def throughput(files):
    start = time.perf_counter()
    faces = 0
    for path in files:
        try:
            faces += len(face_recognition.face_encodings(face_recognition.load_image_file(path)))
        except Exception as error:  # a file face_recognition cannot read counts as done, like att's error line
            print(f"bench-reference: {path}: {error}", file=sys.stderr)
    seconds = time.perf_counter() - start
    return {"implementation": "Python face_recognition 1.3.0", "images": len(files), "faces": faces,
            "seconds": seconds, "images_per_second": len(files) / seconds}


def main(argv):
    mode, rest = argv[1], argv[2:]
    upsample, repeats, files = 1, 3, []
    while rest:
        arg = rest.pop(0)
        if arg == "--upsample":
            upsample = int(rest.pop(0))
        elif arg == "--repeat":
            repeats = int(rest.pop(0))
        else:
            files.append(arg)
    result = stages(files, upsample, repeats) if mode == "stages" else throughput(files)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
