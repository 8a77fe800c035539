// Face detection: dlib's HOG frontal-face detector and its MMOD CNN detector, with the same
// upsample-then-map-back treatment dlib's Python API (and so face_recognition) gives them.
#include "Internal.hpp"

#include <dlib/dnn.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>

#include <cstdlib>

namespace cfk {

dlib::rectangle rect_down(const dlib::rectangle &rect, int levels) {
  dlib::pyramid_down<2> pyramid;
  return pyramid.rect_down(rect, levels);
}

void upsample(const dlib::matrix<dlib::rgb_pixel> &in, dlib::matrix<dlib::rgb_pixel> &out, int levels) {
  dlib::pyramid_down<2> pyramid;
  out = in;
  for (int i = 0; i < levels; ++i) {
    dlib::matrix<dlib::rgb_pixel> bigger;
    dlib::pyramid_up(out, bigger, pyramid);
    out.swap(bigger);
  }
}

cfk_status export_rects(const std::vector<std::pair<dlib::rectangle, double>> &found, cfk_rect **rects,
                        size_t *count, cfk_error *error) {
  *count = found.size();
  *rects = nullptr;
  if (found.empty()) return CFK_OK;
  *rects = static_cast<cfk_rect *>(std::malloc(sizeof(cfk_rect) * found.size()));
  if (*rects == nullptr) return fail(error, CFK_ERR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < found.size(); ++i) {
    const auto &r = found[i].first;
    (*rects)[i] = cfk_rect{r.left(), r.top(), r.right(), r.bottom(), found[i].second};
  }
  return CFK_OK;
}

}  // namespace cfk

namespace {

// dlib's published MMOD face detector network (dnn_mmod_face_detection_ex.cpp); the model file
// only deserializes into exactly this type.
template <long N, typename SUBNET> using con5d = dlib::con<N, 5, 5, 2, 2, SUBNET>;
template <long N, typename SUBNET> using con5 = dlib::con<N, 5, 5, 1, 1, SUBNET>;
template <typename SUBNET>
using downsampler = dlib::relu<dlib::affine<con5d<32, dlib::relu<dlib::affine<con5d<32,
                    dlib::relu<dlib::affine<con5d<16, SUBNET>>>>>>>>>;
template <typename SUBNET> using rcon5 = dlib::relu<dlib::affine<con5<45, SUBNET>>>;
using mmod_net = dlib::loss_mmod<dlib::con<1, 9, 9, 1, 1, rcon5<rcon5<rcon5<downsampler<
                 dlib::input_rgb_image_pyramid<dlib::pyramid_down<6>>>>>>>>;

constexpr int max_upsample = 4;

/// Runs `detect` on the image doubled `upsample` times, as dlib's Python detectors do, and maps the
/// rectangles back to the original image.
template <typename Detect>
cfk_status detect_upsampled(const cfk_image *image, int upsample, cfk_rect **rects, size_t *count,
                            cfk_error *error, Detect &&detect) {
  return cfk::guarded(error, [&]() -> cfk_status {
    if (upsample < 0 || upsample > max_upsample) {
      return cfk::fail(error, CFK_ERR_ARGUMENT, "upsample must be between 0 and 4");
    }
    std::vector<std::pair<dlib::rectangle, double>> found;
    if (upsample == 0) {
      found = detect(image->pixels);
    } else {
      dlib::matrix<dlib::rgb_pixel> bigger;
      cfk::upsample(image->pixels, bigger, upsample);
      found = detect(bigger);
    }
    for (auto &f : found) f.first = cfk::rect_down(f.first, upsample);
    return cfk::export_rects(found, rects, count, error);
  });
}

}  // namespace

struct cfk_hog_detector {
  dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
};

struct cfk_cnn_detector {
  mmod_net net;
};

extern "C" cfk_status cfk_hog_detector_new(cfk_hog_detector **out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    *out = new cfk_hog_detector;
    return CFK_OK;
  });
}

extern "C" void cfk_hog_detector_free(cfk_hog_detector *detector) { delete detector; }

extern "C" cfk_status cfk_hog_detect(cfk_hog_detector *detector, const cfk_image *image, int upsample,
                                     cfk_rect **rects, size_t *count, cfk_error *error) {
  return detect_upsampled(image, upsample, rects, count, error, [&](const dlib::matrix<dlib::rgb_pixel> &pixels) {
    std::vector<dlib::rect_detection> detections;
    detector->detector(pixels, detections, 0.0);
    std::vector<std::pair<dlib::rectangle, double>> found;
    for (const auto &d : detections) found.emplace_back(d.rect, d.detection_confidence);
    return found;
  });
}

extern "C" cfk_status cfk_cnn_detector_new(const char *model_path, cfk_cnn_detector **out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    auto detector = std::make_unique<cfk_cnn_detector>();
    if (auto status = cfk::load_model(model_path, detector->net, error); status != CFK_OK) return status;
    *out = detector.release();
    return CFK_OK;
  });
}

extern "C" void cfk_cnn_detector_free(cfk_cnn_detector *detector) { delete detector; }

extern "C" cfk_status cfk_cnn_detect(cfk_cnn_detector *detector, const cfk_image *image, int upsample,
                                     cfk_rect **rects, size_t *count, cfk_error *error) {
  return detect_upsampled(image, upsample, rects, count, error, [&](const dlib::matrix<dlib::rgb_pixel> &pixels) {
    std::vector<std::pair<dlib::rectangle, double>> found;
    for (const auto &d : detector->net(pixels)) found.emplace_back(d.rect, d.detection_confidence);
    return found;
  });
}
