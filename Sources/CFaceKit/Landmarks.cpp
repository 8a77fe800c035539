// Landmarks with dlib's shape predictors (5-point for alignment, 68-point for the eyes), and the
// aligned face chip both the recognition network and face crops use.
#include "Internal.hpp"

#include <dlib/image_processing.h>
#include <dlib/image_transforms.h>

struct cfk_shape_predictor {
  dlib::shape_predictor model;
};

extern "C" cfk_status cfk_shape_predictor_new(const char *model_path, cfk_shape_predictor **out,
                                              cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    auto predictor = std::make_unique<cfk_shape_predictor>();
    if (auto status = cfk::load_model(model_path, predictor->model, error); status != CFK_OK) return status;
    if (predictor->model.num_parts() == 0) {
      return cfk::fail(error, CFK_ERR_MODEL, std::string(model_path) + " predicts no landmarks");
    }
    *out = predictor.release();
    return CFK_OK;
  });
}

extern "C" void cfk_shape_predictor_free(cfk_shape_predictor *predictor) { delete predictor; }

extern "C" size_t cfk_shape_predictor_parts(const cfk_shape_predictor *predictor) {
  return predictor->model.num_parts();
}

extern "C" cfk_status cfk_shape_predict(const cfk_shape_predictor *predictor, const cfk_image *image,
                                        cfk_rect rect, cfk_point *points, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    dlib::full_object_detection shape = predictor->model(image->pixels, cfk::to_dlib(rect));
    for (unsigned long i = 0; i < shape.num_parts(); ++i) {
      points[i] = cfk_point{double(shape.part(i).x()), double(shape.part(i).y())};
    }
    return CFK_OK;
  });
}

namespace cfk {

/// Rebuilds dlib's shape object from the flat points the C API passes around.
dlib::full_object_detection to_shape(cfk_rect rect, const cfk_point *points, size_t parts) {
  std::vector<dlib::point> list;
  list.reserve(parts);
  for (size_t i = 0; i < parts; ++i) list.emplace_back(long(points[i].x), long(points[i].y));
  return dlib::full_object_detection(to_dlib(rect), list);
}

}  // namespace cfk

extern "C" cfk_status cfk_face_chip(const cfk_image *image, cfk_rect rect, const cfk_point *points,
                                    size_t parts, int size, double padding, cfk_image **out,
                                    cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    if (parts != 5 && parts != 68) return cfk::fail(error, CFK_ERR_ARGUMENT, "face chips need 5 or 68 landmarks");
    if (size < 16 || size > 2048 || padding < 0 || padding > 2) {
      return cfk::fail(error, CFK_ERR_ARGUMENT, "chip size must be 16-2048 and padding 0-2");
    }
    auto details = dlib::get_face_chip_details(cfk::to_shape(rect, points, parts), size, padding);
    auto chip = std::make_unique<cfk_image>();
    dlib::extract_image_chip(image->pixels, details, chip->pixels);
    *out = chip.release();
    return CFK_OK;
  });
}
