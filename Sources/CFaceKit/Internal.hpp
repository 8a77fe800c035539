// Shared between the C++ files of CFaceKit; never included from Swift.
#pragma once

#include "cfacekit.h"

#include <dlib/image_processing.h>
#include <dlib/pixel.h>
#include <dlib/matrix.h>
#include <dlib/serialize.h>

#include <cstdio>
#include <new>
#include <string>
#include <utility>

struct cfk_image {
  dlib::matrix<dlib::rgb_pixel> pixels;
};

namespace cfk {

/// Writes a message into the caller's error (which may be null) and returns the status.
inline cfk_status fail(cfk_error *error, cfk_status status, const std::string &message) {
  if (error != nullptr) {
    std::snprintf(error->message, sizeof error->message, "%s", message.c_str());
  }
  return status;
}

/// The funnel every exported function goes through: runs `body` and turns any C++ exception into
/// a status and message, so that no exception unwinds into Swift.
template <typename Body> cfk_status guarded(cfk_error *error, Body &&body) noexcept {
  try {
    return std::forward<Body>(body)();
  } catch (const std::bad_alloc &) {
    return fail(error, CFK_ERR_NO_MEMORY, "out of memory");
  } catch (const dlib::serialization_error &e) {
    return fail(error, CFK_ERR_MODEL, std::string("model file is not the expected dlib network: ") + e.what());
  } catch (const std::exception &e) {
    return fail(error, CFK_ERR_INTERNAL, e.what());
  } catch (...) {
    return fail(error, CFK_ERR_INTERNAL, "unknown C++ exception");
  }
}

/// Loads a serialized dlib object, naming the file in every failure.
template <typename Model> cfk_status load_model(const char *path, Model &model, cfk_error *error) {
  if (path == nullptr) return fail(error, CFK_ERR_ARGUMENT, "no model path given");
  std::FILE *probe = std::fopen(path, "rb");
  if (probe == nullptr) return fail(error, CFK_ERR_MODEL, std::string("cannot open model file ") + path);
  std::fclose(probe);
  try {
    dlib::deserialize(path) >> model;
  } catch (const dlib::serialization_error &e) {
    return fail(error, CFK_ERR_MODEL, std::string(path) + " is not a valid model for this step: " + e.what());
  }
  return CFK_OK;
}

/// Maps a rectangle found on an image upsampled `levels` times back to the original image.
dlib::rectangle rect_down(const dlib::rectangle &rect, int levels);

/// Doubles an image `levels` times the way dlib's Python detectors do before detecting.
void upsample(const dlib::matrix<dlib::rgb_pixel> &in, dlib::matrix<dlib::rgb_pixel> &out, int levels);

/// Copies detections into a malloc'd array the caller frees with cfk_free.
cfk_status export_rects(const std::vector<std::pair<dlib::rectangle, double>> &found, cfk_rect **rects,
                        size_t *count, cfk_error *error);

inline dlib::rectangle to_dlib(cfk_rect r) { return dlib::rectangle(r.left, r.top, r.right, r.bottom); }

}  // namespace cfk

namespace cfk {
/// Rebuilds dlib's shape object from the flat points the C API passes around.
dlib::full_object_detection to_shape(cfk_rect rect, const cfk_point *points, size_t parts);
}  // namespace cfk
