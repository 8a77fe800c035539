// Measurements of a face region for the enrolment quality gate, and cropping.
#include "Internal.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <memory>

namespace {

// The region clipped to the image; empty when they do not overlap.
cv::Rect clipped(const dlib::matrix<dlib::rgb_pixel> &m, cfk_rect r) {
  int64_t left = std::max<int64_t>(r.left, 0), top = std::max<int64_t>(r.top, 0);
  int64_t right = std::min<int64_t>(r.right, m.nc() - 1), bottom = std::min<int64_t>(r.bottom, m.nr() - 1);
  if (right < left || bottom < top) return cv::Rect();
  return cv::Rect(int(left), int(top), int(right - left + 1), int(bottom - top + 1));
}

}  // namespace

extern "C" cfk_status cfk_region_stats(const cfk_image *image, cfk_rect rect, cfk_region_stats_result *stats,
                                       cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    const auto &m = image->pixels;
    cv::Rect region = clipped(m, rect);
    if (region.empty()) return cfk::fail(error, CFK_ERR_ARGUMENT, "region lies outside the image");
    cv::Mat rgb(int(m.nr()), int(m.nc()), CV_8UC3, const_cast<dlib::rgb_pixel *>(&m(0, 0)));
    cv::Mat gray;
    cv::cvtColor(rgb(region), gray, cv::COLOR_RGB2GRAY);
    // Sharpness is measured at one scale so that a big blurry face does not beat a small sharp one.
    cv::Mat normalised;
    cv::resize(gray, normalised, cv::Size(128, 128), 0, 0, gray.cols > 128 ? cv::INTER_AREA : cv::INTER_LINEAR);
    cv::Mat laplacian;
    cv::Laplacian(normalised, laplacian, CV_64F);
    cv::Scalar lap_mean, lap_std, mean, std;
    cv::meanStdDev(laplacian, lap_mean, lap_std);
    cv::meanStdDev(gray, mean, std);
    stats->brightness = mean[0];
    stats->contrast = std[0];
    stats->sharpness = lap_std[0] * lap_std[0];
    return CFK_OK;
  });
}

extern "C" cfk_status cfk_image_crop(const cfk_image *image, cfk_rect rect, cfk_image **out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    const auto &m = image->pixels;
    cv::Rect region = clipped(m, rect);
    if (region.empty()) return cfk::fail(error, CFK_ERR_ARGUMENT, "crop lies outside the image");
    auto crop = std::make_unique<cfk_image>();
    crop->pixels.set_size(region.height, region.width);
    for (int y = 0; y < region.height; ++y) {
      std::copy_n(&m(region.y + y, region.x), region.width, &crop->pixels(y, 0));
    }
    *out = crop.release();
    return CFK_OK;
  });
}
