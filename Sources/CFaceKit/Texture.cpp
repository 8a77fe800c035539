// Passive liveness features of a face region: colour-texture histograms. A printed photo or a screen
// re-images the face: print dots, moire, blur and the printer's or panel's colour gamut change the fine
// texture (local binary patterns) and the chroma (YCrCb) of the skin. These features feed a small
// logistic model trained by `att-liveness train`.
#include "Internal.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace {

// The 58 uniform 8-bit patterns (at most two 0/1 transitions around the circle) get bins 0-57; every
// other pattern shares bin 58.
std::array<uint8_t, 256> uniform_bins() {
  std::array<uint8_t, 256> bins{};
  uint8_t next = 0;
  for (int code = 0; code < 256; ++code) {
    int transitions = 0;
    for (int bit = 0; bit < 8; ++bit) transitions += ((code >> bit) & 1) != ((code >> ((bit + 1) % 8)) & 1);
    bins[code] = transitions <= 2 ? next++ : 58;
  }
  return bins;
}

// Uniform LBP(8,1) histograms of a grey image over a grid x grid layout, each L1-normalised and
// square-rooted (Hellinger), appended to out.
void lbp_histograms(const cv::Mat &gray, int grid, float *&out) {
  static const std::array<uint8_t, 256> bins = uniform_bins();
  const int rows = gray.rows, cols = gray.cols;
  std::vector<float> hist(size_t(grid * grid * 59), 0.f);
  for (int y = 1; y < rows - 1; ++y) {
    const uint8_t *up = gray.ptr<uint8_t>(y - 1), *mid = gray.ptr<uint8_t>(y), *down = gray.ptr<uint8_t>(y + 1);
    const int cell_y = std::min(grid - 1, (y - 1) * grid / (rows - 2));
    for (int x = 1; x < cols - 1; ++x) {
      const uint8_t c = mid[x];
      const int code = (up[x - 1] >= c) << 7 | (up[x] >= c) << 6 | (up[x + 1] >= c) << 5 | (mid[x + 1] >= c) << 4 |
                       (down[x + 1] >= c) << 3 | (down[x] >= c) << 2 | (down[x - 1] >= c) << 1 | (mid[x - 1] >= c);
      const int cell_x = std::min(grid - 1, (x - 1) * grid / (cols - 2));
      hist[size_t((cell_y * grid + cell_x) * 59 + bins[size_t(code)])] += 1.f;
    }
  }
  for (int cell = 0; cell < grid * grid; ++cell) {
    float total = 0;
    for (int b = 0; b < 59; ++b) total += hist[size_t(cell * 59 + b)];
    for (int b = 0; b < 59; ++b) *out++ = total > 0 ? std::sqrt(hist[size_t(cell * 59 + b)] / total) : 0.f;
  }
}

}  // namespace

extern "C" int64_t cfk_texture_feature_count(void) { return 59 + 4 * 59 + 59 + 2 * 16 + 4; }

extern "C" cfk_status cfk_texture_features(const cfk_image *image, cfk_rect rect, float *features, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    const auto &m = image->pixels;
    int64_t left = std::max<int64_t>(rect.left, 0), top = std::max<int64_t>(rect.top, 0);
    int64_t right = std::min<int64_t>(rect.right, m.nc() - 1), bottom = std::min<int64_t>(rect.bottom, m.nr() - 1);
    if (right - left < 16 || bottom - top < 16) return cfk::fail(error, CFK_ERR_ARGUMENT, "face region too small for texture");
    cv::Mat rgb(int(m.nr()), int(m.nc()), CV_8UC3, const_cast<dlib::rgb_pixel *>(&m(0, 0)));
    cv::Mat face;
    cv::resize(rgb(cv::Rect(int(left), int(top), int(right - left + 1), int(bottom - top + 1))), face, cv::Size(96, 96), 0, 0,
               cv::INTER_AREA);
    cv::Mat gray, ycrcb;
    cv::cvtColor(face, gray, cv::COLOR_RGB2GRAY);
    cv::cvtColor(face, ycrcb, cv::COLOR_RGB2YCrCb);
    float *out = features;
    lbp_histograms(gray, 1, out);  // the whole face
    lbp_histograms(gray, 2, out);  // and its quarters
    // The same on the Cr channel: re-imaged skin loses chroma texture.
    cv::Mat channels[3];
    cv::split(ycrcb, channels);
    lbp_histograms(channels[1], 1, out);
    // Cr and Cb distributions (16 bins each): a print's or a screen's gamut.
    for (int c = 1; c <= 2; ++c) {
      std::array<float, 16> hist{};
      for (int y = 0; y < 96; ++y) {
        const uint8_t *row = channels[c].ptr<uint8_t>(y);
        for (int x = 0; x < 96; ++x) hist[size_t(row[x] / 16)] += 1.f;
      }
      for (float h : hist) *out++ = std::sqrt(h / (96.f * 96.f));
    }
    // Fine detail at two scales: a re-imaged face loses the finest detail first (print dots and
    // screen pixels blur it), so the ratio of the two is telling; and the colour saturation.
    cv::Mat lap96, small, lap48, hsv;
    cv::Laplacian(gray, lap96, CV_32F);
    cv::resize(gray, small, cv::Size(48, 48), 0, 0, cv::INTER_AREA);
    cv::Laplacian(small, lap48, CV_32F);
    cv::Scalar m96, s96, m48, s48;
    cv::meanStdDev(lap96, m96, s96);
    cv::meanStdDev(lap48, m48, s48);
    const double fine = std::log1p(s96[0] * s96[0]), coarse = std::log1p(s48[0] * s48[0]);
    cv::cvtColor(face, hsv, cv::COLOR_RGB2HSV);
    cv::Scalar hsv_mean = cv::mean(hsv);
    *out++ = float(fine / 10);
    *out++ = float(coarse / 10);
    *out++ = float(fine - coarse);
    *out++ = float(hsv_mean[1] / 255);
    return CFK_OK;
  });
}

namespace {

// The p-th fraction of the grey levels of `rgb` in `rect`, sampling every `step`-th pixel of every
// `step`-th row (a frame's darkest 2% needs no full-resolution grey copy).
double percentile(const cv::Mat &rgb, cv::Rect rect, int step, double p) {
  int hist[256] = {0};
  double count = 0;
  for (int y = rect.y; y < rect.y + rect.height; y += step) {
    const cv::Vec3b *row = rgb.ptr<cv::Vec3b>(y);
    for (int x = rect.x; x < rect.x + rect.width; x += step) {
      const cv::Vec3b &c = row[x];
      ++hist[(77 * c[0] + 150 * c[1] + 29 * c[2]) >> 8];  // RGB to luma, as cvtColor's weights
      ++count;
    }
  }
  const double target = p * count;
  double seen = 0;
  for (int v = 0; v < 256; ++v) {
    seen += hist[v];
    if (seen >= target) return v;
  }
  return 255;
}

}  // namespace

extern "C" cfk_status cfk_screen_look(const cfk_image *image, cfk_rect rect, cfk_screen_look_result *out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    const auto &m = image->pixels;
    const int64_t width = m.nc(), height = m.nr();
    int64_t left = std::max<int64_t>(rect.left, 0), top = std::max<int64_t>(rect.top, 0);
    int64_t right = std::min<int64_t>(rect.right, width - 1), bottom = std::min<int64_t>(rect.bottom, height - 1);
    cv::Mat rgb(int(height), int(width), CV_8UC3, const_cast<dlib::rgb_pixel *>(&m(0, 0)));
    // The skin in the middle of the face, at the camera's own resolution: resampling would blur away
    // the pattern looked for. The largest power of two that fits in 70% of the box, up to 128.
    const int64_t side = std::min(right - left + 1, bottom - top + 1);
    int n = 128;
    while (n > 16 && n > side * 7 / 10) n /= 2;
    if (n < 32) {
      out->moire = -1;
      out->black_lift = 0;
      return CFK_OK;
    }
    const int cx = int((left + right) / 2), cy = int((top + bottom) / 2);
    cv::Mat patch;
    cv::cvtColor(rgb(cv::Rect(cx - n / 2, cy - n / 2, n, n)), patch, cv::COLOR_RGB2GRAY);
    patch.convertTo(patch, CV_32F);
    // High-pass (the skin's shading out), a Hann window (the patch's edges out), then the spectrum.
    cv::Mat blurred, window;
    cv::GaussianBlur(patch, blurred, cv::Size(0, 0), 2.0);
    patch -= blurred;
    cv::createHanningWindow(window, patch.size(), CV_32F);
    patch = patch.mul(window);
    cv::Mat spectrum;
    cv::dft(patch, spectrum, cv::DFT_COMPLEX_OUTPUT);
    // The band from 0.3 to 1.0 of the Nyquist frequency, leaving out the axes' multiples of n/8: the
    // 8x8 blocks of JPEG and video codecs put peaks there on any face.
    std::vector<float> band;
    float peak = 0;
    const int block = n / 8;
    for (int v = 0; v < n; ++v) {
      const int fv = v <= n / 2 ? v : v - n;
      for (int u = 0; u <= n / 2; ++u) {
        const double r = std::hypot(double(u), double(fv)) / (n / 2.0);
        if (r < 0.3 || r > 1.0) continue;
        if ((fv == 0 && u % block == 0) || (u == 0 && fv % block == 0)) continue;
        const cv::Vec2f c = spectrum.at<cv::Vec2f>(v, u);
        const float magnitude = std::hypot(c[0], c[1]);
        band.push_back(magnitude);
        peak = std::max(peak, magnitude);
      }
    }
    std::nth_element(band.begin(), band.begin() + long(band.size() / 2), band.end());
    const float median = band[band.size() / 2];
    out->moire = median > 0 ? double(peak / median) : 0;
    // The darkest of the face's box against the darkest of the whole frame (sampled every 4th pixel).
    const cv::Rect face(int(left), int(top), int(right - left + 1), int(bottom - top + 1));
    out->black_lift = percentile(rgb, face, 1, 0.02) - percentile(rgb, cv::Rect(0, 0, rgb.cols, rgb.rows), 4, 0.02);
    return CFK_OK;
  });
}
