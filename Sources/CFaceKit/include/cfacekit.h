// cfacekit: a plain C face over dlib and OpenCV, so that Swift never sees a C++ type.
//
// Why a C API at all: Swift's C++ interop imports dlib's headers but cannot instantiate its detector
// and image templates. Every handle here is opaque; every function that can fail returns a cfk_status
// and fills a cfk_error with a message for a person. C++ exceptions never cross this boundary.
//
// Threads: a cfk_image is immutable after creation and may be read from any number of threads.
// cfk_shape_predictor is read-only during prediction and may be shared. cfk_hog_detector,
// cfk_cnn_detector and cfk_face_encoder keep per-call scratch state inside dlib: give each thread its own.
#ifndef CFACEKIT_H
#define CFACEKIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cfk_status {
  CFK_OK = 0,
  CFK_ERR_DECODE = 1,       // the bytes are not an image this build can decode
  CFK_ERR_TOO_LARGE = 2,    // the decoded image exceeds the pixel limit
  CFK_ERR_MODEL = 3,        // a model file is missing, unreadable or not the expected network
  CFK_ERR_ARGUMENT = 4,     // a caller passed something out of range (a bug, not user input)
  CFK_ERR_NO_MEMORY = 5,    // an allocation failed
  CFK_ERR_INTERNAL = 6,     // any other exception from dlib or OpenCV
  CFK_ERR_INVISIBLE = 7,    // the image decodes, but nothing in it is visible (alpha 0 everywhere)
} cfk_status;

typedef struct cfk_error {
  char message[512];
} cfk_error;

/// Image container formats recognised from their first bytes.
typedef enum cfk_format {
  CFK_FORMAT_UNKNOWN = 0,
  CFK_FORMAT_JPEG,
  CFK_FORMAT_PNG,
  CFK_FORMAT_GIF,
  CFK_FORMAT_BMP,
  CFK_FORMAT_WEBP,
  CFK_FORMAT_TIFF,
} cfk_format;

/// What the header of an encoded image says, read without decoding the pixels.
typedef struct cfk_image_info {
  cfk_format format;
  int64_t width;      // 0 when the header does not say (or the format is not parsed here)
  int64_t height;
  int truncated;      // 1 for a JPEG whose entropy-coded data has no end-of-image marker
} cfk_image_info;

/// A detection: dlib's rectangle (inclusive corners, may extend past the image) and its score.
typedef struct cfk_rect {
  int64_t left, top, right, bottom;
  double score;
} cfk_rect;

typedef struct cfk_point {
  double x, y;
} cfk_point;

typedef struct cfk_image cfk_image;
typedef struct cfk_hog_detector cfk_hog_detector;
typedef struct cfk_cnn_detector cfk_cnn_detector;
typedef struct cfk_retinaface cfk_retinaface;
typedef struct cfk_shape_predictor cfk_shape_predictor;
typedef struct cfk_face_encoder cfk_face_encoder;
typedef struct cfk_gallery cfk_gallery;

/// Frees memory that a cfk_ function allocated for the caller (detection arrays).
void cfk_free(void *pointer);

// ---- images ---------------------------------------------------------------------------------

/// Reads the container format and dimensions from the first bytes, without decoding.
void cfk_image_probe(const uint8_t *bytes, size_t length, cfk_image_info *info);

/// Decodes JPEG, PNG, BMP, WebP or TIFF bytes into 8-bit RGB: grayscale is expanded, alpha dropped,
/// 16-bit scaled down and EXIF orientation applied. Refuses images over max_pixels (0: no limit).
cfk_status cfk_image_decode(const uint8_t *bytes, size_t length, int64_t max_pixels,
                            cfk_image **out, cfk_error *error);

/// Wraps 8-bit interleaved pixels (3 channels RGB or BGR, row stride in bytes) as an image (copied).
cfk_status cfk_image_from_pixels(const uint8_t *pixels, int64_t width, int64_t height, int64_t stride,
                                 int bgr, cfk_image **out, cfk_error *error);

void cfk_image_free(cfk_image *image);
int64_t cfk_image_width(const cfk_image *image);
int64_t cfk_image_height(const cfk_image *image);
/// Copies the RGB pixels (width*height*3 bytes, row-major) into buffer.
void cfk_image_copy_rgb(const cfk_image *image, uint8_t *buffer);
/// A resized copy (area averaging when shrinking, bilinear when growing).
cfk_status cfk_image_resize(const cfk_image *image, int64_t width, int64_t height, cfk_image **out,
                            cfk_error *error);
/// Encodes the image as JPEG (quality 1-100); *out is freed with cfk_free.
cfk_status cfk_image_encode_jpeg(const cfk_image *image, int quality, uint8_t **out, size_t *length,
                                 cfk_error *error);

/// The image seen through a perspective transform: `homography` (row-major 3x3) maps a source pixel
/// to the output, which is `width` x `height`; output pixels with no source are `background` grey.
/// Bilinear sampling. Used to make videos of photos and screens held up to a camera.
cfk_status cfk_image_warp(const cfk_image *image, const double *homography, int64_t width, int64_t height,
                          uint8_t background, cfk_image **out, cfk_error *error);

/// A copy of the part of the image inside `rect` (inclusive corners), clipped to the image.
cfk_status cfk_image_crop(const cfk_image *image, cfk_rect rect, cfk_image **out, cfk_error *error);

/// Figures of a region for quality gates: mean and standard deviation of the luminance (0-255),
/// and the variance of the Laplacian of the region scaled to 128x128 (higher is sharper).
typedef struct cfk_region_stats_result {
  double brightness;
  double contrast;
  double sharpness;
} cfk_region_stats_result;

cfk_status cfk_region_stats(const cfk_image *image, cfk_rect rect, cfk_region_stats_result *stats,
                            cfk_error *error);

/// Passive liveness: how many numbers cfk_texture_features writes.
int64_t cfk_texture_feature_count(void);
/// Colour-texture features of a face region (uniform LBP histograms of the grey face, its quarters and
/// its Cr channel; Cr and Cb histograms), scaled to 96x96 first. `features` holds
/// cfk_texture_feature_count() floats.
cfk_status cfk_texture_features(const cfk_image *image, cfk_rect rect, float *features, cfk_error *error);

/// How much a face looks like one shown on a screen: `moire`, the strongest periodic component of the
/// skin's fine texture against the median of its band (0.3-1.0 of the Nyquist frequency, at the
/// camera's own resolution, leaving out the codecs' 8x8 block frequencies), which a display's pixel
/// grid aliasing with the camera's raises; and `black_lift`, the face box's 2nd-percentile grey level
/// minus the whole frame's (0-255), which a backlight raises. `moire` is -1 when the face's middle holds
/// less than 32x32 pixels.
typedef struct cfk_screen_look_result {
  double moire;
  double black_lift;
} cfk_screen_look_result;
cfk_status cfk_screen_look(const cfk_image *image, cfk_rect rect, cfk_screen_look_result *out, cfk_error *error);

// ---- matching -------------------------------------------------------------------------------

/// The nearest gallery entry to a probe and the nearest entry of any other owner; -1 when none.
typedef struct cfk_match {
  long entry;
  float distance;
  long runner_up_entry;
  float runner_up_distance;
} cfk_match;

/// A gallery of `count` descriptors (count*128 floats, copied) and the owner index of each.
cfk_status cfk_gallery_new(const float *vectors, const int32_t *owners, size_t count, cfk_gallery **out,
                           cfk_error *error);
void cfk_gallery_free(cfk_gallery *gallery);
/// Euclidean nearest neighbour of a 128-float probe. One thread at a time per gallery (scratch space).
void cfk_gallery_nearest(const cfk_gallery *gallery, const float *probe, cfk_match *match);

/// How well one plane explains the motion of the texture inside `rect` (inclusive corners; the
/// inner face) from frame `from` to frame `to`: Shi-Tomasi corners in `rect`, tracked with
/// pyramidal Lucas-Kanade, kept when tracking back lands within half a pixel, then fitted with one
/// least-squares homography; *residual is the RMS distance (pixels) between the tracked points and
/// the homography's mapping, or -1 when fewer than 8 points could be tracked. A photo or screen
/// moved or turned in depth fits to a fraction of a pixel; a head turning (nose against cheeks) or
/// a face speaking does not. (shift_x, shift_y) is where the face is expected to have gone, in pixels
/// (its landmarks' displacement): the search region covers both places and the flow starts there.
cfk_status cfk_flow_planarity(const cfk_image *from, const cfk_image *to, cfk_rect rect, double shift_x,
                              double shift_y, double *residual, cfk_error *error);

/// What surrounds a face between two frames of one source: the face's median shift (a fraction of
/// its width), the tracked points beside and above it (past ears and hair, where a held device's
/// edge would be) and the share of them that moved and that moved as one plane, and the tracked
/// points of the scene far from the face and the share that moved (the camera itself moving).
typedef struct cfk_context {
  double face_shift;
  int ring_points;
  double ring_moving;
  double ring_coherent;
  int scene_points;
  double scene_moving;
  /// Of all the tracked points around the face (ring and scene), the share that moved as one plane.
  double view_coherent;
} cfk_context;
cfk_status cfk_context_motion(const cfk_image *from, const cfk_image *to, cfk_rect rect, cfk_context *out,
                              cfk_error *error);


// ---- detection ------------------------------------------------------------------------------

cfk_status cfk_hog_detector_new(cfk_hog_detector **out, cfk_error *error);
void cfk_hog_detector_free(cfk_hog_detector *detector);
/// Detects faces with dlib's HOG detector after upsampling the image `upsample` times (0-4).
/// *rects is freed with cfk_free; *count may be 0.
cfk_status cfk_hog_detect(cfk_hog_detector *detector, const cfk_image *image, int upsample,
                          cfk_rect **rects, size_t *count, cfk_error *error);

cfk_status cfk_cnn_detector_new(const char *model_path, cfk_cnn_detector **out, cfk_error *error);
void cfk_cnn_detector_free(cfk_cnn_detector *detector);
/// Detects faces with dlib's MMOD CNN detector after upsampling `upsample` times (0-4).
cfk_status cfk_cnn_detect(cfk_cnn_detector *detector, const cfk_image *image, int upsample,
                          cfk_rect **rects, size_t *count, cfk_error *error);

/// A face found by RetinaFace: its box (inclusive corners, in the image's pixels, may reach past
/// the edge), its score (0-1) and five landmarks: the eye centres (the image's left one first), the
/// nose tip and the mouth corners (left first).
typedef struct cfk_face_detection {
  cfk_rect rect;
  cfk_point landmarks[5];
} cfk_face_detection;

/// Loads the RetinaFace-MobileNet0.25 ONNX file prepared by Scripts/fetch-models (OpenCV dnn). A
/// missing, corrupt or foreign file fails here with CFK_ERR_MODEL, naming the file.
cfk_status cfk_retinaface_new(const char *model_path, cfk_retinaface **out, cfk_error *error);
void cfk_retinaface_free(cfk_retinaface *detector);
/// Detects faces inside `region` of `image` (inclusive corners, clipped to the image), which the
/// network sees scaled by `scale` (at most 4096 px a side; padded to a multiple of 32). Detections
/// under `min_score` are dropped, the rest merged by non-maximum suppression, strongest first.
/// *faces is freed with cfk_free; *count may be 0. One thread at a time per detector.
cfk_status cfk_retinaface_detect(cfk_retinaface *detector, const cfk_image *image, cfk_rect region, double scale,
                                 float min_score, cfk_face_detection **faces, size_t *count, cfk_error *error);

// ---- landmarks ------------------------------------------------------------------------------

cfk_status cfk_shape_predictor_new(const char *model_path, cfk_shape_predictor **out, cfk_error *error);
void cfk_shape_predictor_free(cfk_shape_predictor *predictor);
/// Number of landmarks the model predicts (5 or 68 for the face models).
size_t cfk_shape_predictor_parts(const cfk_shape_predictor *predictor);
/// Predicts the landmarks of the face in `rect`; `points` must hold cfk_shape_predictor_parts points.
cfk_status cfk_shape_predict(const cfk_shape_predictor *predictor, const cfk_image *image,
                             cfk_rect rect, cfk_point *points, cfk_error *error);

// ---- alignment and descriptors --------------------------------------------------------------

/// The face chip dlib's recognition network expects: the face in `rect` aligned by its 5 or 68
/// landmarks, `size` x `size` pixels with `padding` (0.25 is dlib's standard).
cfk_status cfk_face_chip(const cfk_image *image, cfk_rect rect, const cfk_point *points, size_t parts,
                         int size, double padding, cfk_image **out, cfk_error *error);

cfk_status cfk_face_encoder_new(const char *model_path, cfk_face_encoder **out, cfk_error *error);
void cfk_face_encoder_free(cfk_face_encoder *encoder);
/// Computes 128-d descriptors for `faces` faces of one image in one batch. `rects` has `faces`
/// entries, `points` faces*parts landmarks (parts 5 or 68), `descriptors` room for faces*128 floats.
/// jitters > 1 averages that many randomly jittered chips per face (seeded: same input, same output).
/// mirror = 1 (with jitters 1) averages each chip's descriptor with its mirror image's.
cfk_status cfk_face_encode(cfk_face_encoder *encoder, const cfk_image *image, size_t faces,
                           const cfk_rect *rects, const cfk_point *points, size_t parts, int jitters,
                           int mirror, float *descriptors, cfk_error *error);

// ---- process ---------------------------------------------------------------------------------

/// Asks OpenBLAS (when it is the BLAS in use) to use `threads` threads per call; returns 1 if it
/// was found. Callers that run one network per core set 1 so the cores are not oversubscribed.
int cfk_set_blas_threads(int threads);

/// Sets the threads OpenCV's parallel loops (dnn, resizes) may use; returns the number in use. 0 or less: every core.
int cfk_set_opencv_threads(int threads);

#ifdef __cplusplus
}
#endif
#endif
