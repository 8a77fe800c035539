// Frames from cameras, video files and streams through OpenCV's videoio (V4L2, FFMPEG, GStreamer).
#include "../CFaceKit/Internal.hpp"
#include "include/cfacevideo.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <opencv2/core/utils/logger.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>

struct cfk_video {
  cv::VideoCapture capture;
  cv::Mat frame;
  int64_t frames_read = 0;
};

namespace {

bool is_camera_index(const char *source) {
  if (*source == '\0') return false;
  for (const char *c = source; *c != '\0'; ++c) {
    if (!std::isdigit(static_cast<unsigned char>(*c))) return false;
  }
  return std::strlen(source) < 4;
}

}  // namespace

extern "C" cfk_status cfk_video_open(const char *source, cfk_video **out, cfk_error *error) {
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
    *out = video.release();
    return CFK_OK;
  });
}

extern "C" void cfk_video_free(cfk_video *video) { delete video; }

extern "C" cfk_status cfk_video_read(cfk_video *video, cfk_image **out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    *out = nullptr;
    if (!video->capture.read(video->frame) || video->frame.empty()) return CFK_OK;  // end of stream
    const cv::Mat &f = video->frame;
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

extern "C" void cfk_video_info(const cfk_video *video, cfk_video_properties *properties) {
  auto &capture = const_cast<cv::VideoCapture &>(video->capture);
  properties->fps = capture.get(cv::CAP_PROP_FPS);
  double count = capture.get(cv::CAP_PROP_FRAME_COUNT);
  properties->frame_count = count > 0 ? int64_t(count) : -1;
  properties->position_ms = capture.get(cv::CAP_PROP_POS_MSEC);
  properties->frames_read = video->frames_read;
  properties->width = int64_t(capture.get(cv::CAP_PROP_FRAME_WIDTH));
  properties->height = int64_t(capture.get(cv::CAP_PROP_FRAME_HEIGHT));
}


namespace {

/// Boxes and labels on a BGR frame, shared by the video writer and the preview window.
void draw_annotations(cv::Mat &bgr, const cfk_annotation *annotations, size_t count) {
    for (size_t i = 0; i < count; ++i) {
    const cfk_annotation &a = annotations[i];
    cv::Scalar colour(a.blue, a.green, a.red);
    cv::Rect box(cv::Point(int(a.rect.left), int(a.rect.top)), cv::Point(int(a.rect.right), int(a.rect.bottom)));
    cv::rectangle(bgr, box, colour, 2);
    if (a.label != nullptr && *a.label != '\0') {
      int baseline = 0;
      cv::Size text = cv::getTextSize(a.label, cv::FONT_HERSHEY_SIMPLEX, 0.5, 1, &baseline);
      int y = std::max(box.y - 4, text.height + 4);
      cv::rectangle(bgr, cv::Point(box.x, y - text.height - 4), cv::Point(box.x + text.width + 4, y + 2), colour, cv::FILLED);
      cv::putText(bgr, a.label, cv::Point(box.x + 2, y - 2), cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(0, 0, 0), 1, cv::LINE_AA);
    }
  }
}

cv::Mat to_bgr(const cfk_image *image) {
  const auto &m = image->pixels;
  cv::Mat rgb(int(m.nr()), int(m.nc()), CV_8UC3, const_cast<dlib::rgb_pixel *>(&m(0, 0)));
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

}  // namespace

struct cfk_video_writer {
  cv::VideoWriter writer;
  cv::Size size;
};

extern "C" cfk_status cfk_video_writer_open(const char *path, double fps, int64_t width, int64_t height,
                                            cfk_video_writer **out, cfk_error *error) {
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

extern "C" cfk_status cfk_video_writer_write(cfk_video_writer *writer, const cfk_image *image,
                                             const cfk_annotation *annotations, size_t count, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    cv::Mat bgr = to_bgr(image);
    draw_annotations(bgr, annotations, count);
    if (bgr.size() != writer->size) {
      // Letterbox: scale to fit, keep the aspect ratio, centre on black (faces are not stretched).
      double scale = std::min(double(writer->size.width) / bgr.cols, double(writer->size.height) / bgr.rows);
      cv::Size fitted(std::max(1, int(bgr.cols * scale)), std::max(1, int(bgr.rows * scale)));
      cv::Mat resized;
      cv::resize(bgr, resized, fitted, 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
      cv::Mat canvas(writer->size, CV_8UC3, cv::Scalar(0, 0, 0));
      resized.copyTo(canvas(cv::Rect((writer->size.width - fitted.width) / 2, (writer->size.height - fitted.height) / 2,
                                     fitted.width, fitted.height)));
      bgr = canvas;
    }
    writer->writer.write(bgr);
    return CFK_OK;
  });
}

extern "C" void cfk_video_writer_close(cfk_video_writer *writer) {
  if (writer == nullptr) return;
  writer->writer.release();
  delete writer;
}

extern "C" cfk_status cfk_image_annotated_bgr(const cfk_image *image, const cfk_annotation *annotations, size_t count,
                                              uint8_t *bgr_out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    const auto &m = image->pixels;
    cv::Mat rgb(int(m.nr()), int(m.nc()), CV_8UC3, const_cast<dlib::rgb_pixel *>(&m(0, 0)));
    cv::Mat bgr(int(m.nr()), int(m.nc()), CV_8UC3, bgr_out);
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);  // one pass, into the caller's buffer
    draw_annotations(bgr, annotations, count);
    return CFK_OK;
  });
}
