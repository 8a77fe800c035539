// dlib's ResNet face recognition network (dlib_face_recognition_resnet_model_v1): 150x150 aligned
// chips in, 128-d descriptors out. Kept in its own file because it alone takes ~40 s to compile.
#include "Internal.hpp"

#include <dlib/dnn.h>
#include <dlib/image_transforms.h>

#include <cstring>
#include <dlfcn.h>

namespace {

// The network type the published model was trained as (dnn_face_recognition_ex.cpp).
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = dlib::add_prev1<block<N, BN, 1, dlib::tag1<SUBNET>>>;
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down =
    dlib::add_prev2<dlib::avg_pool<2, 2, 2, 2, dlib::skip1<dlib::tag2<block<N, BN, 2, dlib::tag1<SUBNET>>>>>>;
template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<dlib::con<N, 3, 3, 1, 1, dlib::relu<BN<dlib::con<N, 3, 3, stride, stride, SUBNET>>>>>;
template <int N, typename SUBNET> using ares = dlib::relu<residual<block, N, dlib::affine, SUBNET>>;
template <int N, typename SUBNET> using ares_down = dlib::relu<residual_down<block, N, dlib::affine, SUBNET>>;
template <typename SUBNET> using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET> using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;
using resnet = dlib::loss_metric<dlib::fc_no_bias<128, dlib::avg_pool_everything<
    alevel0<alevel1<alevel2<alevel3<alevel4<dlib::max_pool<3, 3, 2, 2, dlib::relu<dlib::affine<
    dlib::con<32, 7, 7, 2, 2, dlib::input_rgb_image_sized<150>>>>>>>>>>>>>;

constexpr int chip_size = 150;
constexpr double chip_padding = 0.25;
constexpr unsigned long batch_size = 16;

}  // namespace

struct cfk_face_encoder {
  resnet net;
};

extern "C" cfk_status cfk_face_encoder_new(const char *model_path, cfk_face_encoder **out, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    auto encoder = std::make_unique<cfk_face_encoder>();
    if (auto status = cfk::load_model(model_path, encoder->net, error); status != CFK_OK) return status;
    *out = encoder.release();
    return CFK_OK;
  });
}

extern "C" void cfk_face_encoder_free(cfk_face_encoder *encoder) { delete encoder; }

extern "C" cfk_status cfk_face_encode(cfk_face_encoder *encoder, const cfk_image *image, size_t faces,
                                      const cfk_rect *rects, const cfk_point *points, size_t parts,
                                      int jitters, int mirror, float *descriptors, cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    if (faces == 0) return CFK_OK;
    if (parts != 5 && parts != 68) return cfk::fail(error, CFK_ERR_ARGUMENT, "descriptors need 5 or 68 landmarks");
    if (jitters < 0 || jitters > 1000) return cfk::fail(error, CFK_ERR_ARGUMENT, "jitters must be 0-1000");
    std::vector<dlib::chip_details> details;
    for (size_t i = 0; i < faces; ++i) {
      details.push_back(dlib::get_face_chip_details(cfk::to_shape(rects[i], points + i * parts, parts),
                                                    chip_size, chip_padding));
    }
    dlib::array<dlib::matrix<dlib::rgb_pixel>> chips;
    dlib::extract_image_chips(image->pixels, details, chips);

    std::vector<dlib::matrix<float, 0, 1>> results;
    if (jitters <= 1 && mirror) {
      // Each chip and its mirror image in one batch; the descriptor is their mean.
      std::vector<dlib::matrix<dlib::rgb_pixel>> batch;
      for (auto &chip : chips) {
        batch.push_back(chip);
        batch.push_back(dlib::fliplr(chip));
      }
      auto outputs = encoder->net(batch, batch_size);
      for (size_t i = 0; i < chips.size(); ++i) results.push_back((outputs[2 * i] + outputs[2 * i + 1]) / 2);
    } else if (jitters <= 1) {
      std::vector<dlib::matrix<dlib::rgb_pixel>> batch(chips.begin(), chips.end());
      results = encoder->net(batch, batch_size);
    } else {
      // A fixed seed per call: the same image and settings always give the same descriptor.
      dlib::rand random(0);
      for (auto &chip : chips) {
        std::vector<dlib::matrix<dlib::rgb_pixel>> jittered;
        for (int j = 0; j < jitters; ++j) jittered.push_back(dlib::jitter_image(chip, random));
        auto outputs = encoder->net(jittered, batch_size);
        results.push_back(dlib::mean(dlib::mat(outputs)));
      }
    }
    for (size_t i = 0; i < faces; ++i) {
      std::memcpy(descriptors + i * 128, &results[i](0), sizeof(float) * 128);
    }
    return CFK_OK;
  });
}

extern "C" int cfk_set_blas_threads(int threads) {
  // Looked up at run time: the BLAS behind libblas.so.3 is chosen by Debian's alternatives, and only
  // OpenBLAS has this knob (the reference BLAS is single-threaded anyway).
  using setter = void (*)(int);
  if (auto set = reinterpret_cast<setter>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set(threads);
    return 1;
  }
  return 0;
}
