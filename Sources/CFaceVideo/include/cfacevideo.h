// Video in and out through OpenCV's videoio (V4L2, FFmpeg, GStreamer), apart from CFaceKit: Debian's
// libopencv_videoio pulls in FFmpeg (and through it librabbitmq, libssh, ...), which the tools that
// read no video (att-extract) do not link.
#ifndef CFACEVIDEO_H
#define CFACEVIDEO_H

#include <cfacekit.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cfk_video cfk_video;
typedef struct cfk_video_writer cfk_video_writer;

// ---- video ------------------------------------------------------------------------------------

/// What OpenCV knows about an open source; fps and counts are 0 or -1 when the source does not say.
typedef struct cfk_video_properties {
  double fps;
  int64_t frame_count;
  double position_ms;
  int64_t frames_read;
  int64_t width, height;
} cfk_video_properties;

/// Opens a camera ("0".."999" is a V4L2 index, "/dev/videoN" a device), a video file or a stream URL.
/// A cfk_video is used by one thread at a time.
cfk_status cfk_video_open(const char *source, cfk_video **out, cfk_error *error);
void cfk_video_free(cfk_video *video);
/// Reads the next frame as RGB; *out is NULL at the end of the stream.
cfk_status cfk_video_read(cfk_video *video, cfk_image **out, cfk_error *error);
void cfk_video_info(const cfk_video *video, cfk_video_properties *properties);

/// A box and label drawn on a frame written by cfk_video_writer_write (colour as RGB 0-255).
typedef struct cfk_annotation {
  cfk_rect rect;
  uint8_t red, green, blue;
  const char *label;  // UTF-8; NULL for none. OpenCV's Hershey font draws ASCII only.
} cfk_annotation;

/// Opens an MJPG .avi for writing frames of width x height at fps.
cfk_status cfk_video_writer_open(const char *path, double fps, int64_t width, int64_t height,
                                 cfk_video_writer **out, cfk_error *error);
/// Writes a copy of `image` with the annotations drawn on it (the image itself is not changed).
cfk_status cfk_video_writer_write(cfk_video_writer *writer, const cfk_image *image,
                                  const cfk_annotation *annotations, size_t count, cfk_error *error);
/// Finishes the file; frees the writer.
void cfk_video_writer_close(cfk_video_writer *writer);

/// Writes `image` as BGR (width * height * 3 bytes, rows packed) into `bgr_out`, with the
/// annotations drawn as the video writer draws them: what the preview window, in its own target,
/// shows.
cfk_status cfk_image_annotated_bgr(const cfk_image *image, const cfk_annotation *annotations, size_t count,
                                   uint8_t *bgr_out, cfk_error *error);

#ifdef __cplusplus
}
#endif

#endif
