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

// Tracks `found` from g0 to g1 with pyramidal Lucas-Kanade and keeps the points that track there
// and back to within half a pixel. `shift` is where the points are expected to have gone (the
// landmarks' displacement): the flow starts there, so a face that crossed much of its own width
// between the frames is still tracked.
void track_there_and_back(const cv::Mat &g0, const cv::Mat &g1, const std::vector<cv::Point2f> &found,
                          std::vector<cv::Point2f> &kept0, std::vector<cv::Point2f> &kept1,
                          cv::Point2f shift = cv::Point2f(0, 0)) {
  if (found.empty()) return;
  std::vector<cv::Point2f> moved, back;
  std::vector<unsigned char> status, status_back;
  std::vector<float> err;
  cv::Size window(15, 15);
  cv::TermCriteria stop(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, 30, 0.01);
  int flags = 0;
  if (shift.x != 0 || shift.y != 0) {
    flags = cv::OPTFLOW_USE_INITIAL_FLOW;
    moved.reserve(found.size());
    for (const auto &p : found) moved.push_back(p + shift);
  }
  cv::calcOpticalFlowPyrLK(g0, g1, found, moved, status, err, window, 3, stop, flags);
  if (flags != 0) {
    back.reserve(moved.size());
    for (const auto &p : moved) back.push_back(p - shift);
  }
  cv::calcOpticalFlowPyrLK(g1, g0, moved, back, status_back, err, window, 3, stop, flags);
  for (size_t i = 0; i < found.size(); ++i) {
    if (!status[i] || !status_back[i]) continue;
    double dx = back[i].x - found[i].x, dy = back[i].y - found[i].y;
    if (dx * dx + dy * dy > 0.25) continue;
    kept0.push_back(found[i]);
    kept1.push_back(moved[i]);
  }
}

}  // namespace

extern "C" cfk_status cfk_flow_planarity(const cfk_image *from, const cfk_image *to, cfk_rect rect, double shift_x,
                                         double shift_y, double *residual, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    *residual = -1;
    const auto &a = from->pixels, &b = to->pixels;
    if (a.nr() != b.nr() || a.nc() != b.nc() || a.size() == 0)
      return cfk::fail(error, CFK_ERR_ARGUMENT, "flow needs two frames of the same size");
    if (!std::isfinite(shift_x) || !std::isfinite(shift_y))
      return cfk::fail(error, CFK_ERR_ARGUMENT, "the expected shift is not a number");
    cv::Rect face(int(rect.left), int(rect.top), int(rect.right - rect.left + 1), int(rect.bottom - rect.top + 1));
    // Where the face may have gone: the region where it was and where the landmarks say it went,
    // grown by half its size on each side.
    cv::Rect there = face + cv::Point(int(std::lround(shift_x)), int(std::lround(shift_y)));
    cv::Rect both = face | there;
    cv::Rect search(both.x - face.width / 2, both.y - face.height / 2, both.width + face.width, both.height + face.height);
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
    std::vector<cv::Point2f> kept0, kept1;
    track_there_and_back(g0, g1, p0, kept0, kept1, cv::Point2f(float(shift_x), float(shift_y)));
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

// Context cue: whether what surrounds the face moves with it, as a phone, a tablet or a sheet of
// paper held up to the camera does, while the rest of the scene stays still.
extern "C" cfk_status cfk_context_motion(const cfk_image *from, const cfk_image *to, cfk_rect rect, cfk_context *out,
                                         cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    *out = cfk_context{0, 0, 0, 0, 0, 0, 0};
    const auto &a = from->pixels, &b = to->pixels;
    if (a.nr() != b.nr() || a.nc() != b.nc() || a.size() == 0)
      return cfk::fail(error, CFK_ERR_ARGUMENT, "context motion needs two frames of the same size");
    const int width = int(a.nc()), height = int(a.nr());
    cv::Rect face(int(rect.left), int(rect.top), int(rect.right - rect.left + 1), int(rect.bottom - rect.top + 1));
    if (face.width < 16 || face.height < 16) return CFK_OK;
    // The whole frame, scaled so that the face is at most 80 px wide: the same work at any resolution.
    double scale = std::min(1.0, 80.0 / face.width);
    cv::Mat g0 = grey_region(from, cv::Rect(0, 0, width, height)), g1 = grey_region(to, cv::Rect(0, 0, width, height));
    if (scale < 1) {
      cv::resize(g0, g0, cv::Size(), scale, scale, cv::INTER_AREA);
      cv::resize(g1, g1, cv::Size(), scale, scale, cv::INTER_AREA);
    }
    cv::Rect f(int(face.x * scale), int(face.y * scale), int(face.width * scale), int(face.height * scale));
    cv::Rect frame(0, 0, g0.cols, g0.rows);
    f &= frame;
    // The ring: beside and above the face, past the ears and the hair (0.35-0.9 face widths to each
    // side, 0.45-0.9 heights above), where a device's edge would be. Nothing below: the body moves
    // with the head. The scene: everything farther than 1.6 face widths from the face.
    cv::Mat ring = cv::Mat::zeros(g0.size(), CV_8U), scene = cv::Mat::zeros(g0.size(), CV_8U), inner = cv::Mat::zeros(g0.size(), CV_8U);
    auto box = [&](double left, double top, double right, double bottom) {
      return cv::Rect(cv::Point(int(f.x + left * f.width), int(f.y + top * f.height)),
                      cv::Point(int(f.x + f.width + right * f.width), int(f.y + f.height + bottom * f.height))) & frame;
    };
    ring(box(0.9, 0.9, 0.9, -0.3)).setTo(255);
    ring(box(0.35, 0.45, 0.35, 0.3)).setTo(0);
    ring(box(-0.0, 0.0, -0.0, 1.5)).setTo(0);
    scene.setTo(255);
    scene(box(1.6, 1.6, 1.6, 3.0)).setTo(0);
    inner(f).setTo(255);
    auto track = [&](const cv::Mat &mask, int count, double spacing, std::vector<cv::Point2f> &p0, std::vector<cv::Point2f> &p1) {
      std::vector<cv::Point2f> found;
      cv::goodFeaturesToTrack(g0, found, count, 0.01, spacing, mask, 3);
      track_there_and_back(g0, g1, found, p0, p1);
    };
    std::vector<cv::Point2f> f0, f1, r0, r1, s0, s1;
    track(inner, 60, std::max(3.0, f.width / 12.0), f0, f1);
    track(ring, 150, std::max(3.0, f.width / 12.0), r0, r1);
    track(scene, 150, 8, s0, s1);
    if (f0.size() < 6) return CFK_OK;
    auto shift = [](const cv::Point2f &p, const cv::Point2f &q) { return std::hypot(double(q.x - p.x), double(q.y - p.y)); };
    std::vector<double> face_shifts;
    for (size_t i = 0; i < f0.size(); ++i) face_shifts.push_back(shift(f0[i], f1[i]));
    std::nth_element(face_shifts.begin(), face_shifts.begin() + face_shifts.size() / 2, face_shifts.end());
    out->face_shift = face_shifts[face_shifts.size() / 2] / f.width;
    // A point moved when it went more than 1.5% of the face's width (and half a pixel).
    const double still = std::max(0.5, 0.015 * f.width);
    out->ring_points = int(r0.size());
    out->scene_points = int(s0.size());
    int scene_moving = 0;
    for (size_t i = 0; i < s0.size(); ++i) scene_moving += shift(s0[i], s1[i]) > still;
    out->scene_moving = s0.empty() ? 0 : double(scene_moving) / double(s0.size());
    std::vector<cv::Point2f> m0, m1;
    for (size_t i = 0; i < r0.size(); ++i) {
      if (shift(r0[i], r1[i]) > still) {
        m0.push_back(r0[i]);
        m1.push_back(r1[i]);
      }
    }
    out->ring_moving = r0.empty() ? 0 : double(m0.size()) / double(r0.size());
    // The whole view around the face (ring and scene together): the share that moved as one plane.
    {
      std::vector<cv::Point2f> v0(m0), v1(m1);
      for (size_t i = 0; i < s0.size(); ++i) {
        if (shift(s0[i], s1[i]) > still) {
          v0.push_back(s0[i]);
          v1.push_back(s1[i]);
        }
      }
      size_t all = r0.size() + s0.size();
      if (v0.size() >= 8 && all > 0) {
        std::vector<unsigned char> inliers;
        cv::Mat h = cv::findHomography(v0, v1, cv::RANSAC, std::max(0.75, 0.01 * f.width), inliers);
        if (!h.empty()) {
          int n = 0;
          for (auto v : inliers) n += v ? 1 : 0;
          out->view_coherent = double(n) / double(all);
        }
      }
    }
    // Of all the ring's points, the share that moved as one plane: a device's frame and screen.
    if (m0.size() >= 6) {
      std::vector<unsigned char> inliers;
      cv::Mat h = cv::findHomography(m0, m1, cv::RANSAC, std::max(0.75, 0.01 * f.width), inliers);
      if (!h.empty()) {
        int n = 0;
        for (auto v : inliers) n += v ? 1 : 0;
        out->ring_coherent = double(n) / double(r0.size());
      }
    }
    return CFK_OK;
  });
}
