// 1:N matching of a face descriptor against a gallery of stored ones: one contiguous block of
// floats, squared distances in a loop the compiler vectorises, then the nearest entry and the
// nearest entry of any other person (the margin att-take's decisions rest on).
#include "Internal.hpp"

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

struct cfk_gallery {
  std::vector<float> vectors;  // count x 128
  std::vector<int32_t> owners;  // the person index of each entry
  mutable std::vector<float> scratch;
  size_t count = 0;
};

extern "C" cfk_status cfk_gallery_new(const float *vectors, const int32_t *owners, size_t count, cfk_gallery **out,
                                      cfk_error *error) {
  return cfk::guarded(error, [&]() -> cfk_status {
    auto gallery = std::make_unique<cfk_gallery>();
    gallery->count = count;
    gallery->vectors.assign(vectors, vectors + count * 128);
    gallery->owners.assign(owners, owners + count);
    gallery->scratch.resize(count);
    *out = gallery.release();
    return CFK_OK;
  });
}

extern "C" void cfk_gallery_free(cfk_gallery *gallery) { delete gallery; }

extern "C" void cfk_gallery_nearest(const cfk_gallery *gallery, const float *probe, cfk_match *match) {
  match->entry = -1;
  match->distance = std::numeric_limits<float>::infinity();
  match->runner_up_entry = -1;
  match->runner_up_distance = std::numeric_limits<float>::infinity();
  const size_t n = gallery->count;
  if (n == 0) return;
  const float *v = gallery->vectors.data();
  float *d = gallery->scratch.data();
  for (size_t i = 0; i < n; ++i) {
    const float *row = v + i * 128;
    float sum = 0;
    for (int k = 0; k < 128; ++k) {
      float diff = row[k] - probe[k];
      sum += diff * diff;
    }
    d[i] = sum;
  }
  size_t best = 0;
  for (size_t i = 1; i < n; ++i) {
    if (d[i] < d[best]) best = i;
  }
  const int32_t owner = gallery->owners[best];
  long second = -1;
  for (size_t i = 0; i < n; ++i) {
    if (gallery->owners[i] != owner && (second < 0 || d[i] < d[second])) second = long(i);
  }
  match->entry = long(best);
  match->distance = std::sqrt(d[best]);
  if (second >= 0) {
    match->runner_up_entry = second;
    match->runner_up_distance = std::sqrt(d[second]);
  }
}
