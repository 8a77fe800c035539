// Boxes and labels drawn on a frame: the annotated video (att-take --annotate) and the preview window.
#include "Internal.hpp"
#include "include/cfacekit_video.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>

extern "C" cfk_status cfk_image_annotated_bgr(const cfk_image *image, const cfk_annotation *annotations, size_t count,
                                              uint8_t *bgr_out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    const auto &m = image->pixels;
    cv::Mat rgb(int(m.nr()), int(m.nc()), CV_8UC3, const_cast<dlib::rgb_pixel *>(&m(0, 0)));
    cv::Mat bgr(int(m.nr()), int(m.nc()), CV_8UC3, bgr_out);
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);  // one pass, into the caller's buffer
    for (size_t i = 0; i < count; ++i) {
      const cfk_annotation &a = annotations[i];
      cv::Scalar colour(a.blue, a.green, a.red);
      cv::Rect box(cv::Point(int(a.rect.left), int(a.rect.top)), cv::Point(int(a.rect.right), int(a.rect.bottom)));
      cv::rectangle(bgr, box, colour, 2);
      if (a.label != nullptr && *a.label != '\0') {
        int baseline = 0;
        cv::Size text = cv::getTextSize(a.label, cv::FONT_HERSHEY_SIMPLEX, 0.5, 1, &baseline);
        int y = std::max(box.y - 4, text.height + 4);
        cv::rectangle(bgr, cv::Point(box.x, y - text.height - 4), cv::Point(box.x + text.width + 4, y + 2), colour,
                      cv::FILLED);
        cv::putText(bgr, a.label, cv::Point(box.x + 2, y - 2), cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(0, 0, 0), 1,
                    cv::LINE_AA);
      }
    }
    return CFK_OK;
  });
}
