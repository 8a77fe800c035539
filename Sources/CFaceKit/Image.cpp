// Decoding with OpenCV's imgcodecs, then one copy into dlib's RGB matrix that the rest works on.
#include "Internal.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

uint32_t be16(const uint8_t *p) { return (uint32_t(p[0]) << 8) | p[1]; }
uint32_t be32(const uint8_t *p) { return (be16(p) << 16) | be16(p + 2); }
uint32_t le16(const uint8_t *p) { return uint32_t(p[0]) | (uint32_t(p[1]) << 8); }
uint32_t le32(const uint8_t *p) { return le16(p) | (le16(p + 2) << 16); }

// Walks JPEG markers to the first frame header for the size, then checks that the entropy-coded
// data after the first scan reaches an end-of-image marker (a cut-off file decodes as grey noise).
void probe_jpeg(const uint8_t *b, size_t n, cfk_image_info *info) {
  size_t i = 2;
  bool in_scan = false;
  while (i + 2 <= n) {
    if (b[i] != 0xFF) { ++i; continue; }
    uint8_t marker = b[i + 1];
    if (marker == 0xFF) { ++i; continue; }
    if (in_scan) {
      // Inside entropy-coded data FF is followed by 00 (stuffing) or a restart marker D0-D7.
      if (marker == 0x00 || (marker >= 0xD0 && marker <= 0xD7)) { i += 2; continue; }
      if (marker == 0xD9) { info->truncated = 0; return; }
      in_scan = false;
    }
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) { i += 2; continue; }
    if (marker == 0xD9) { info->truncated = 0; return; }
    if (i + 4 > n) break;
    uint32_t length = be16(b + i + 2);
    bool is_frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (is_frame && info->width == 0 && i + 9 <= n) {
      info->height = be16(b + i + 5);
      info->width = be16(b + i + 7);
    }
    if (marker == 0xDA) in_scan = true;
    i += 2 + length;
  }
  info->truncated = 1;
}

void probe_webp(const uint8_t *b, size_t n, cfk_image_info *info) {
  if (n < 30) return;
  if (std::memcmp(b + 12, "VP8 ", 4) == 0) {
    info->width = le16(b + 26) & 0x3FFF;
    info->height = le16(b + 28) & 0x3FFF;
  } else if (std::memcmp(b + 12, "VP8L", 4) == 0 && n >= 25) {
    uint32_t bits = le32(b + 21);
    info->width = (bits & 0x3FFF) + 1;
    info->height = ((bits >> 14) & 0x3FFF) + 1;
  } else if (std::memcmp(b + 12, "VP8X", 4) == 0) {
    info->width = 1 + (uint32_t(b[24]) | uint32_t(b[25]) << 8 | uint32_t(b[26]) << 16);
    info->height = 1 + (uint32_t(b[27]) | uint32_t(b[28]) << 8 | uint32_t(b[29]) << 16);
  }
}

// The first image file directory's ImageWidth (256) and ImageLength (257), which is the page
// imdecode reads. Offsets are bounds-checked; a file whose size cannot be read keeps 0x0 and is
// refused, so that no TIFF is decoded before its size is known.
void probe_tiff(const uint8_t *b, size_t n, cfk_image_info *info) {
  const bool little = b[0] == 'I';
  auto u16 = [&](size_t at) { return little ? le16(b + at) : be16(b + at); };
  auto u32 = [&](size_t at) { return little ? le32(b + at) : be32(b + at); };
  if (n < 8) return;
  size_t ifd = u32(4);
  if (ifd < 8 || ifd + 2 > n) return;
  size_t entries = u16(ifd);
  for (size_t e = 0; e < entries; ++e) {
    size_t at = ifd + 2 + e * 12;
    if (at + 12 > n) return;
    uint32_t tag = u16(at), type = u16(at + 2);
    uint32_t value = type == 3 ? u16(at + 8) : type == 4 ? u32(at + 8) : 0;  // SHORT or LONG
    if (tag == 256) info->width = value;
    if (tag == 257) info->height = value;
  }
}

}  // namespace

extern "C" void cfk_image_probe(const uint8_t *b, size_t n, cfk_image_info *info) {
  *info = cfk_image_info{CFK_FORMAT_UNKNOWN, 0, 0, 0};
  if (b == nullptr || n < 4) return;
  if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
    info->format = CFK_FORMAT_JPEG;
    probe_jpeg(b, n, info);
  } else if (n >= 24 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) {
    info->format = CFK_FORMAT_PNG;
    info->width = be32(b + 16);
    info->height = be32(b + 20);
  } else if (n >= 10 && std::memcmp(b, "GIF8", 4) == 0) {
    info->format = CFK_FORMAT_GIF;
    info->width = le16(b + 6);
    info->height = le16(b + 8);
  } else if (n >= 26 && b[0] == 'B' && b[1] == 'M') {
    info->format = CFK_FORMAT_BMP;
    info->width = int32_t(le32(b + 18));
    int32_t h = int32_t(le32(b + 22));
    info->height = h < 0 ? -int64_t(h) : h;  // negative height means top-down rows
  } else if (n >= 16 && std::memcmp(b, "RIFF", 4) == 0 && std::memcmp(b + 8, "WEBP", 4) == 0) {
    info->format = CFK_FORMAT_WEBP;
    probe_webp(b, n, info);
  } else if (std::memcmp(b, "II*\0", 4) == 0 || std::memcmp(b, "MM\0*", 4) == 0) {
    info->format = CFK_FORMAT_TIFF;
    probe_tiff(b, n, info);
  }
}

namespace {

cfk_status from_mat(const cv::Mat &bgr, cfk_image **out) {
  auto image = new cfk_image;
  image->pixels.set_size(bgr.rows, bgr.cols);
  for (int y = 0; y < bgr.rows; ++y) {
    const uint8_t *row = bgr.ptr<uint8_t>(y);
    for (int x = 0; x < bgr.cols; ++x) {
      image->pixels(y, x) = dlib::rgb_pixel(row[3 * x + 2], row[3 * x + 1], row[3 * x]);
    }
  }
  *out = image;
  return CFK_OK;
}

}  // namespace

extern "C" cfk_status cfk_image_decode(const uint8_t *bytes, size_t length, int64_t max_pixels,
                                       cfk_image **out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    if (bytes == nullptr || length == 0) return cfk::fail(error, CFK_ERR_DECODE, "empty input");
    cv::Mat encoded(1, int(length), CV_8UC1, const_cast<uint8_t *>(bytes));
    // IMREAD_COLOR converts grayscale, palette, alpha and 16-bit input to 8-bit BGR and applies
    // the EXIF orientation, which is the normalisation a face pipeline wants.
    cv::Mat bgr = cv::imdecode(encoded, cv::IMREAD_COLOR);
    if (bgr.empty()) return cfk::fail(error, CFK_ERR_DECODE, "cannot decode the image data");
    // IMREAD_COLOR drops the alpha channel: a PNG that is transparent everywhere, which every viewer
    // shows as nothing, would still give up the colours behind it. A PNG says in its header (colour
    // type 4 or 6) whether it has alpha; only those are decoded a second time to look.
    if (length > 25 && bytes[0] == 0x89 && bytes[1] == 'P' && (bytes[25] == 4 || bytes[25] == 6)) {
      cv::Mat with_alpha = cv::imdecode(encoded, cv::IMREAD_UNCHANGED);
      if (with_alpha.channels() == 4) {
        cv::Mat alpha;
        cv::extractChannel(with_alpha, alpha, 3);
        if (cv::countNonZero(alpha) == 0) {
          return cfk::fail(error, CFK_ERR_INVISIBLE, "alpha is 0 everywhere");
        }
      }
    }
    if (max_pixels > 0 && int64_t(bgr.rows) * bgr.cols > max_pixels) {
      return cfk::fail(error, CFK_ERR_TOO_LARGE,
                       std::to_string(bgr.cols) + "x" + std::to_string(bgr.rows) + " exceeds the pixel limit");
    }
    return from_mat(bgr, out);
  });
}

extern "C" cfk_status cfk_image_from_pixels(const uint8_t *pixels, int64_t width, int64_t height,
                                            int64_t stride, int bgr, cfk_image **out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    if (pixels == nullptr || width <= 0 || height <= 0 || stride < width * 3) {
      return cfk::fail(error, CFK_ERR_ARGUMENT, "invalid pixel buffer");
    }
    auto image = new cfk_image;
    image->pixels.set_size(height, width);
    for (int64_t y = 0; y < height; ++y) {
      const uint8_t *row = pixels + y * stride;
      for (int64_t x = 0; x < width; ++x) {
        const uint8_t *p = row + 3 * x;
        image->pixels(y, x) = bgr ? dlib::rgb_pixel(p[2], p[1], p[0]) : dlib::rgb_pixel(p[0], p[1], p[2]);
      }
    }
    *out = image;
    return CFK_OK;
  });
}

extern "C" void cfk_image_free(cfk_image *image) { delete image; }
extern "C" int64_t cfk_image_width(const cfk_image *image) { return image->pixels.nc(); }
extern "C" int64_t cfk_image_height(const cfk_image *image) { return image->pixels.nr(); }

extern "C" void cfk_image_copy_rgb(const cfk_image *image, uint8_t *buffer) {
  const auto &m = image->pixels;
  if (m.size() > 0) std::memcpy(buffer, &m(0, 0), size_t(m.size()) * 3);
}

extern "C" cfk_status cfk_image_resize(const cfk_image *image, int64_t width, int64_t height,
                                       cfk_image **out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    const auto &m = image->pixels;
    if (width <= 0 || height <= 0 || m.size() == 0) return cfk::fail(error, CFK_ERR_ARGUMENT, "invalid resize");
    cv::Mat source(int(m.nr()), int(m.nc()), CV_8UC3, const_cast<dlib::rgb_pixel *>(&m(0, 0)));
    auto resized = std::make_unique<cfk_image>();
    resized->pixels.set_size(height, width);
    cv::Mat target(int(height), int(width), CV_8UC3, &resized->pixels(0, 0));
    bool shrinking = width < m.nc();
    cv::resize(source, target, target.size(), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
    *out = resized.release();
    return CFK_OK;
  });
}

extern "C" cfk_status cfk_image_encode_jpeg(const cfk_image *image, int quality, uint8_t **out,
                                            size_t *length, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    const auto &m = image->pixels;
    cv::Mat rgb(int(m.nr()), int(m.nc()), CV_8UC3, const_cast<dlib::rgb_pixel *>(&m(0, 0)));
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    std::vector<uint8_t> encoded;
    if (!cv::imencode(".jpg", bgr, encoded, {cv::IMWRITE_JPEG_QUALITY, quality})) {
      return cfk::fail(error, CFK_ERR_INTERNAL, "JPEG encoding failed");
    }
    *out = static_cast<uint8_t *>(std::malloc(encoded.size()));
    if (*out == nullptr) return cfk::fail(error, CFK_ERR_NO_MEMORY, "out of memory");
    std::memcpy(*out, encoded.data(), encoded.size());
    *length = encoded.size();
    return CFK_OK;
  });
}

extern "C" void cfk_free(void *pointer) { std::free(pointer); }

extern "C" cfk_status cfk_image_warp(const cfk_image *image, const double *homography, int64_t width,
                                     int64_t height, uint8_t background, cfk_image **out,
                                     cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    const auto &m = image->pixels;
    if (width <= 0 || height <= 0 || m.size() == 0 || homography == nullptr)
      return cfk::fail(error, CFK_ERR_ARGUMENT, "invalid warp");
    cv::Mat source(int(m.nr()), int(m.nc()), CV_8UC3, const_cast<dlib::rgb_pixel *>(&m(0, 0)));
    cv::Mat h(3, 3, CV_64F, const_cast<double *>(homography));
    auto warped = std::make_unique<cfk_image>();
    warped->pixels.set_size(height, width);
    cv::Mat target(int(height), int(width), CV_8UC3, &warped->pixels(0, 0));
    cv::warpPerspective(source, target, h, target.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                        cv::Scalar(background, background, background));
    *out = warped.release();
    return CFK_OK;
  });
}
