// Motion cue for liveness: how well one plane explains the motion of the face's own texture.

#include "Internal.hpp"

#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

cv::Mat grey_region(const cfk_image *image, const cv::Rect &region) {
  const auto &m = image->pixels;
  cv::Mat rgb(int(m.nr()), int(m.nc()), CV_8UC3, const_cast<dlib::rgb_pixel *>(&m(0, 0)));
  cv::Mat grey;
  cv::cvtColor(rgb(region), grey, cv::COLOR_RGB2GRAY);
  return grey;
}

}  // namespace

extern "C" cfk_status cfk_flow_planarity(const cfk_image *from, const cfk_image *to, cfk_rect rect,
                                         double *residual, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    *residual = -1;
    const auto &a = from->pixels, &b = to->pixels;
    if (a.nr() != b.nr() || a.nc() != b.nc() || a.size() == 0)
      return cfk::fail(error, CFK_ERR_ARGUMENT, "flow needs two frames of the same size");
    cv::Rect face(int(rect.left), int(rect.top), int(rect.right - rect.left + 1), int(rect.bottom - rect.top + 1));
    // Where the face may have gone: the region grown by half its size on each side.
    cv::Rect search(face.x - face.width / 2, face.y - face.height / 2, face.width * 2, face.height * 2);
    search &= cv::Rect(0, 0, int(a.nc()), int(a.nr()));
    face &= search;
    if (face.width < 16 || face.height < 16) return CFK_OK;
    cv::Mat g0 = grey_region(from, search), g1 = grey_region(to, search);
    // Corners of the face's own texture, in the face rectangle only (never the background).
    cv::Mat mask = cv::Mat::zeros(g0.size(), CV_8U);
    mask(cv::Rect(face.x - search.x, face.y - search.y, face.width, face.height)).setTo(255);
    std::vector<cv::Point2f> p0;
    double spacing = std::max(3.0, face.width / 16.0);
    cv::goodFeaturesToTrack(g0, p0, 120, 0.005, spacing, mask, 3);
    if (p0.size() < 8) return CFK_OK;
    std::vector<cv::Point2f> p1, back;
    std::vector<unsigned char> status, status_back;
    std::vector<float> err;
    cv::Size window(15, 15);
    cv::TermCriteria stop(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, 30, 0.01);
    cv::calcOpticalFlowPyrLK(g0, g1, p0, p1, status, err, window, 3, stop);
    cv::calcOpticalFlowPyrLK(g1, g0, p1, back, status_back, err, window, 3, stop);
    // Keep the points that track there and back to within half a pixel.
    std::vector<cv::Point2f> kept0, kept1;
    for (size_t i = 0; i < p0.size(); ++i) {
      if (!status[i] || !status_back[i]) continue;
      double dx = back[i].x - p0[i].x, dy = back[i].y - p0[i].y;
      if (dx * dx + dy * dy > 0.25) continue;
      kept0.push_back(p0[i]);
      kept1.push_back(p1[i]);
    }
    if (kept0.size() < 8) return CFK_OK;
    cv::Mat h = cv::findHomography(kept0, kept1, 0);  // least squares: every point counts
    if (h.empty()) return CFK_OK;
    std::vector<cv::Point2f> mapped;
    cv::perspectiveTransform(kept0, mapped, h);
    double sum = 0;
    for (size_t i = 0; i < kept0.size(); ++i) {
      double dx = mapped[i].x - kept1[i].x, dy = mapped[i].y - kept1[i].y;
      sum += dx * dx + dy * dy;
    }
    *residual = std::sqrt(sum / double(kept0.size()));
    return CFK_OK;
  });
}
