// Video in and out: cameras, files and streams read through OpenCV's videoio (V4L2, FFmpeg), and
// MJPG .avi files written. The code that calls videoio lives in the video module, libCFaceVideo.so
// (Sources/CFaceVideo), which is loaded with dlopen when the first video is opened: Debian's
// libopencv_videoio brings FFmpeg and, through it, librabbitmq, libssh and more, so a tool links none
// of them unless it opens a video. The functions below forward to the module.
#ifndef CFACEKIT_VIDEO_H
#define CFACEKIT_VIDEO_H

#include "cfacekit.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cfk_video cfk_video;
typedef struct cfk_video_writer cfk_video_writer;

/// What OpenCV knows about an open source; fps and counts are 0 or -1 when the source does not say.
typedef struct cfk_video_properties {
  double fps;
  int64_t frame_count;
  double position_ms;
  int64_t frames_read;
  int64_t width, height;
  /// Degrees clockwise the frames were turned to stand as the file's display matrix says (a phone
  /// held upright stores them on their side): 0, 90, 180 or 270.
  int64_t rotation;
} cfk_video_properties;

/// Loads the video module once (later calls return at once). On failure the error names every place
/// looked in: $ATT_VIDEO_MODULE when set, else libCFaceVideo.so beside the running program, then
/// ../lib/att/ from the program's folder (where `make install` puts it).
cfk_status cfk_video_module_load(cfk_error *error);

/// Opens a camera ("0".."999" is a V4L2 index, "/dev/videoN" a device), a video file or a stream URL.
/// A cfk_video is used by one thread at a time. Loads the module first.
cfk_status cfk_video_open(const char *source, cfk_video **out, cfk_error *error);
void cfk_video_free(cfk_video *video);
/// Reads the next frame as RGB; *out is NULL at the end of the stream.
cfk_status cfk_video_read(cfk_video *video, cfk_image **out, cfk_error *error);
void cfk_video_info(const cfk_video *video, cfk_video_properties *properties);

/// Opens an MJPG .avi for writing frames of width x height at fps. Loads the module first.
cfk_status cfk_video_writer_open(const char *path, double fps, int64_t width, int64_t height,
                                 cfk_video_writer **out, cfk_error *error);
/// Writes a BGR frame (width * height * 3 bytes, rows packed); a frame of another size is scaled to
/// fit and centred on black.
cfk_status cfk_video_writer_write_bgr(cfk_video_writer *writer, const uint8_t *bgr, int64_t width, int64_t height,
                                      cfk_error *error);
/// Finishes the file; frees the writer.
void cfk_video_writer_close(cfk_video_writer *writer);

/// A box and label drawn on a frame (colour as RGB 0-255).
typedef struct cfk_annotation {
  cfk_rect rect;
  uint8_t red, green, blue;
  const char *label;  // UTF-8; NULL for none. OpenCV's Hershey font draws ASCII only.
} cfk_annotation;

/// Writes `image` as BGR (width * height * 3 bytes, rows packed) into `bgr_out`, with the
/// annotations drawn on it: what the annotated video and the preview window show.
cfk_status cfk_image_annotated_bgr(const cfk_image *image, const cfk_annotation *annotations, size_t count,
                                   uint8_t *bgr_out, cfk_error *error);

/// The module's table of functions, returned by its one exported symbol, cfacevideo_module().
#define CFK_VIDEO_MODULE_ABI 2
typedef struct cfk_video_module {
  uint32_t abi;  // CFK_VIDEO_MODULE_ABI; a module of another ABI is refused
  cfk_status (*open)(const char *source, cfk_video **out, cfk_error *error);
  void (*free)(cfk_video *video);
  cfk_status (*read)(cfk_video *video, cfk_image **out, cfk_error *error);
  void (*info)(const cfk_video *video, cfk_video_properties *properties);
  cfk_status (*writer_open)(const char *path, double fps, int64_t width, int64_t height, cfk_video_writer **out,
                            cfk_error *error);
  cfk_status (*writer_write_bgr)(cfk_video_writer *writer, const uint8_t *bgr, int64_t width, int64_t height,
                                 cfk_error *error);
  void (*writer_close)(cfk_video_writer *writer);
} cfk_video_module;

#ifdef __cplusplus
}
#endif

#endif
