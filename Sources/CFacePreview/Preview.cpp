#include "cfacepreview.h"

#include <cstdio>
#include <exception>

#include <opencv2/core.hpp>
#include <opencv2/highgui.hpp>

extern "C" int cfp_preview_show(const char *window, const uint8_t *bgr, int64_t width, int64_t height, int *key,
                                char *message, size_t message_size) {
  try {
    cv::imshow(window, cv::Mat(int(height), int(width), CV_8UC3, const_cast<uint8_t *>(bgr)));
    *key = cv::waitKey(1);
    return 0;
  } catch (const std::exception &e) {
    if (message != nullptr && message_size > 0) std::snprintf(message, message_size, "%s", e.what());
    return -1;
  } catch (...) {
    if (message != nullptr && message_size > 0) std::snprintf(message, message_size, "unknown error");
    return -1;
  }
}

extern "C" void cfp_preview_close(const char *window) {
  try {
    cv::destroyWindow(window);
  } catch (...) {
  }
}
