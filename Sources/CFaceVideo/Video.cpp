// The video module: frames from cameras, video files and streams through OpenCV's videoio (V4L2,
// FFmpeg, GStreamer), and MJPG .avi files written. Built as libCFaceVideo.so and loaded by CFaceKit
// (VideoModule.cpp) when the first video is opened; its one exported symbol is cfacevideo_module().
#include "../CFaceKit/Internal.hpp"
#include "include/cfacevideo.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <opencv2/core/utils/logger.hpp>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/display.h>
}

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sys/stat.h>

struct cfk_video {
  cv::VideoCapture capture;
  cv::Mat frame;
  cv::Mat turned;
  int64_t frames_read = 0;
  /// Degrees clockwise each decoded frame is turned here to stand as the file says it is shown.
  int turn = 0;
  /// Degrees clockwise the file says its frames are shown turned (0, 90, 180 or 270).
  int rotation = 0;
};

struct cfk_video_writer {
  cv::VideoWriter writer;
  cv::Size size;
};

namespace {

bool is_camera_index(const char *source) {
  if (*source == '\0') return false;
  for (const char *c = source; *c != '\0'; ++c) {
    if (!std::isdigit(static_cast<unsigned char>(*c))) return false;
  }
  return std::strlen(source) < 4;
}

/// `degrees` as a turn of 0 to 359 degrees clockwise.
int normalised(int degrees) { return (degrees % 360 + 360) % 360; }

/// Degrees clockwise a video file's frames must be turned to be shown as recorded, from its video
/// stream's display matrix, read the way FFmpeg's own players read it: 0 when it has none. A phone
/// held upright stores its frames on their side with a matrix of 90 (or 270).
int display_rotation(const char *path) {
  AVFormatContext *context = nullptr;
  if (avformat_open_input(&context, path, nullptr, nullptr) < 0) return 0;
  int degrees = 0;
  int index = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index >= 0) {
    const AVStream *stream = context->streams[index];
#if LIBAVFORMAT_VERSION_MAJOR >= 61
    const AVPacketSideData *data = av_packet_side_data_get(stream->codecpar->coded_side_data,
                                                           stream->codecpar->nb_coded_side_data,
                                                           AV_PKT_DATA_DISPLAYMATRIX);
    const uint8_t *matrix = data != nullptr && data->size >= 36 ? data->data : nullptr;
#else
    size_t size = 0;
    const uint8_t *matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (size < 36) matrix = nullptr;
#endif
    if (matrix != nullptr) {
      // av_display_rotation_get is counter-clockwise; the nearest quarter turn, clockwise.
      double counter = av_display_rotation_get(reinterpret_cast<const int32_t *>(matrix));
      if (std::isfinite(counter)) degrees = normalised(-int(std::lround(counter / 90)) * 90);
    }
  }
  avformat_close_input(&context);
  return degrees;
}

/// How OpenCV's FFmpeg reader turns frames by itself (CAP_PROP_ORIENTATION_AUTO), in degrees
/// clockwise. It is asked not to: OpenCV 4.6.0, Debian 12's, reads the matrix with the wrong sign
/// (opencv/opencv#22088) and turns a phone's upright video upside down, where no face is found.
int opencv_turn(cv::VideoCapture &capture) {
  capture.set(cv::CAP_PROP_ORIENTATION_AUTO, 0);
  if (capture.get(cv::CAP_PROP_ORIENTATION_AUTO) == 0) return 0;
  // Still on: it turns by its own reading (90 clockwise, 270 counter-clockwise).
  return normalised(int(capture.get(cv::CAP_PROP_ORIENTATION_META)));
}

cfk_status video_open(const char *source, cfk_video **out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    if (source == nullptr || *source == '\0') return cfk::fail(error, CFK_ERR_ARGUMENT, "no video source given");
    // OpenCV logs every backend it tries and fails with; the caller reports one clear error
    // instead. OPENCV_LOG_LEVEL, when set, still wins (for debugging a camera).
    if (std::getenv("OPENCV_LOG_LEVEL") == nullptr) {
      cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
      // FFmpeg's own lines ("moov atom not found") too: OpenCV reads this before its first
      // capture, and sends FFmpeg's log through its own logging, silenced above.
      setenv("OPENCV_FFMPEG_LOGLEVEL", "-8", 0);
    }
    auto video = std::make_unique<cfk_video>();
    bool opened;
    if (is_camera_index(source)) {
      opened = video->capture.open(std::atoi(source), cv::CAP_V4L2);
    } else if (std::strncmp(source, "/dev/video", 10) == 0) {
      opened = video->capture.open(source, cv::CAP_V4L2);
    } else if (std::strstr(source, "://") != nullptr) {
      opened = video->capture.open(source, cv::CAP_FFMPEG);  // RTSP and HTTP streams
    } else {
      opened = video->capture.open(source, cv::CAP_FFMPEG) || video->capture.open(source, cv::CAP_ANY);
    }
    if (!opened || !video->capture.isOpened()) {
      return cfk::fail(error, CFK_ERR_DECODE, "cannot open as a camera, video file or stream");
    }
    // A file read by FFmpeg is shown as its display matrix says (a phone's portrait video upright).
    // Only a regular file is opened a second time: a pipe's frames went to the first reader.
    struct stat info {};
    bool file = !is_camera_index(source) && std::strstr(source, "://") == nullptr && stat(source, &info) == 0 &&
                S_ISREG(info.st_mode);
    if (file && video->capture.getBackendName() == "FFMPEG") {
      video->rotation = display_rotation(source);
      video->turn = normalised(video->rotation - opencv_turn(video->capture));
    }
    *out = video.release();
    return CFK_OK;
  });
}

void video_free(cfk_video *video) { delete video; }

cfk_status video_read(cfk_video *video, cfk_image **out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    *out = nullptr;
    if (!video->capture.read(video->frame) || video->frame.empty()) return CFK_OK;  // end of stream
    if (video->turn != 0) {
      cv::rotate(video->frame, video->turned,
                 video->turn == 90    ? cv::ROTATE_90_CLOCKWISE
                 : video->turn == 180 ? cv::ROTATE_180
                                      : cv::ROTATE_90_COUNTERCLOCKWISE);
    }
    const cv::Mat &f = video->turn != 0 ? video->turned : video->frame;
    auto image = std::make_unique<cfk_image>();
    image->pixels.set_size(f.rows, f.cols);
    cv::Mat rgb(f.rows, f.cols, CV_8UC3, &image->pixels(0, 0));
    switch (f.channels()) {
      case 1: cv::cvtColor(f, rgb, cv::COLOR_GRAY2RGB); break;
      case 4: cv::cvtColor(f, rgb, cv::COLOR_BGRA2RGB); break;
      default: cv::cvtColor(f, rgb, cv::COLOR_BGR2RGB); break;
    }
    video->frames_read += 1;
    *out = image.release();
    return CFK_OK;
  });
}

void video_info(const cfk_video *video, cfk_video_properties *properties) {
  auto &capture = const_cast<cv::VideoCapture &>(video->capture);
  properties->fps = capture.get(cv::CAP_PROP_FPS);
  double count = capture.get(cv::CAP_PROP_FRAME_COUNT);
  properties->frame_count = count > 0 ? int64_t(count) : -1;
  properties->position_ms = capture.get(cv::CAP_PROP_POS_MSEC);
  properties->frames_read = video->frames_read;
  properties->width = int64_t(capture.get(cv::CAP_PROP_FRAME_WIDTH));
  properties->height = int64_t(capture.get(cv::CAP_PROP_FRAME_HEIGHT));
  if (video->turn % 180 != 0) std::swap(properties->width, properties->height);
  properties->rotation = video->rotation;
}

cfk_status writer_open(const char *path, double fps, int64_t width, int64_t height, cfk_video_writer **out,
                       cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    if (width <= 0 || height <= 0 || !(fps > 0)) return cfk::fail(error, CFK_ERR_ARGUMENT, "invalid video size or rate");
    auto writer = std::make_unique<cfk_video_writer>();
    writer->size = cv::Size(int(width), int(height));
    if (!writer->writer.open(path, cv::CAP_ANY, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), fps, writer->size)) {
      return cfk::fail(error, CFK_ERR_DECODE, "cannot open for writing an MJPG video");
    }
    *out = writer.release();
    return CFK_OK;
  });
}

cfk_status writer_write_bgr(cfk_video_writer *writer, const uint8_t *pixels, int64_t width, int64_t height,
                            cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    if (pixels == nullptr || width <= 0 || height <= 0) return cfk::fail(error, CFK_ERR_ARGUMENT, "no frame given");
    cv::Mat bgr(int(height), int(width), CV_8UC3, const_cast<uint8_t *>(pixels));
    if (bgr.size() != writer->size) {
      // Letterbox: scale to fit, keep the aspect ratio, centre on black (faces are not stretched).
      double scale = std::min(double(writer->size.width) / bgr.cols, double(writer->size.height) / bgr.rows);
      cv::Size fitted(std::max(1, int(bgr.cols * scale)), std::max(1, int(bgr.rows * scale)));
      cv::Mat resized;
      cv::resize(bgr, resized, fitted, 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
      cv::Mat canvas(writer->size, CV_8UC3, cv::Scalar(0, 0, 0));
      resized.copyTo(canvas(cv::Rect((writer->size.width - fitted.width) / 2, (writer->size.height - fitted.height) / 2,
                                     fitted.width, fitted.height)));
      writer->writer.write(canvas);
    } else {
      writer->writer.write(bgr);
    }
    return CFK_OK;
  });
}

void writer_close(cfk_video_writer *writer) {
  if (writer == nullptr) return;
  writer->writer.release();
  delete writer;
}

}  // namespace

extern "C" const cfk_video_module *cfacevideo_module(void) {
  static const cfk_video_module module = {
      CFK_VIDEO_MODULE_ABI, video_open, video_free, video_read, video_info, writer_open, writer_write_bgr, writer_close,
  };
  return &module;
}
