// Loads the video module (libCFaceVideo.so, Sources/CFaceVideo) on the first video opened, and
// forwards the video functions of cfacekit_video.h to it. The module is what links OpenCV's videoio
// and, through Debian's FFmpeg, librabbitmq and the rest; a tool that opens no video never loads it.
#include "Internal.hpp"
#include "include/cfacekit_video.h"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

namespace {

const char *const module_file = "libCFaceVideo.so";

struct Loaded {
  const cfk_video_module *module = nullptr;
  std::string failure;  // why it did not load, naming every place looked in
};

std::string program_folder() {
  char path[PATH_MAX];
  ssize_t length = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (length <= 0) return ".";
  std::string program(path, size_t(length));
  auto slash = program.rfind('/');
  return slash == std::string::npos ? "." : program.substr(0, slash);
}

Loaded load() {
  Loaded loaded;
  std::vector<std::string> places;
  if (const char *chosen = std::getenv("ATT_VIDEO_MODULE"); chosen != nullptr && *chosen != '\0') {
    places.push_back(chosen);
  } else {
    std::string folder = program_folder();
    places.push_back(folder + "/" + module_file);               // the build folder, and a tarball
    places.push_back(folder + "/../lib/att/" + module_file);     // make install: PREFIX/bin and PREFIX/lib/att
  }
  std::string tried;
  for (const auto &place : places) {
    if (access(place.c_str(), F_OK) != 0) {
      tried += (tried.empty() ? "" : "; ") + place + " (no such file)";
      continue;
    }
    void *handle = dlopen(place.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char *why = dlerror();
      tried += (tried.empty() ? "" : "; ") + place + " (" + (why != nullptr ? why : "does not load") + ")";
      continue;
    }
    using Entry = const cfk_video_module *(*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle, "cfacevideo_module"));
    const cfk_video_module *module = entry != nullptr ? entry() : nullptr;
    if (module == nullptr || module->abi != CFK_VIDEO_MODULE_ABI) {
      tried += (tried.empty() ? "" : "; ") + place + " (not a video module of ABI " +
               std::to_string(CFK_VIDEO_MODULE_ABI) + ": from another build?)";
      dlclose(handle);
      continue;
    }
    loaded.module = module;  // kept loaded for the life of the process
    return loaded;
  }
  loaded.failure = "the video module did not load from " + tried +
                   "; it is built beside the tools (swift build) and installed in PREFIX/lib/att (make install),"
                   " and ATT_VIDEO_MODULE names it elsewhere";
  return loaded;
}

const Loaded &loaded() {
  static const Loaded once = load();  // thread-safe, once per process
  return once;
}

}  // namespace

extern "C" cfk_status cfk_video_module_load(cfk_error *error) {
  const Loaded &module = loaded();
  if (module.module == nullptr) return cfk::fail(error, CFK_ERR_INTERNAL, module.failure);
  return CFK_OK;
}

extern "C" cfk_status cfk_video_open(const char *source, cfk_video **out, cfk_error *error) {
  if (cfk_status status = cfk_video_module_load(error); status != CFK_OK) return status;
  return loaded().module->open(source, out, error);
}

// A video or writer exists only once the module has loaded, so these need no check.
extern "C" void cfk_video_free(cfk_video *video) {
  if (video != nullptr) loaded().module->free(video);
}

extern "C" cfk_status cfk_video_read(cfk_video *video, cfk_image **out, cfk_error *error) {
  return loaded().module->read(video, out, error);
}

extern "C" void cfk_video_info(const cfk_video *video, cfk_video_properties *properties) {
  loaded().module->info(video, properties);
}

extern "C" cfk_status cfk_video_writer_open(const char *path, double fps, int64_t width, int64_t height,
                                            cfk_video_writer **out, cfk_error *error) {
  if (cfk_status status = cfk_video_module_load(error); status != CFK_OK) return status;
  return loaded().module->writer_open(path, fps, width, height, out, error);
}

extern "C" cfk_status cfk_video_writer_write_bgr(cfk_video_writer *writer, const uint8_t *bgr, int64_t width,
                                                 int64_t height, cfk_error *error) {
  return loaded().module->writer_write_bgr(writer, bgr, width, height, error);
}

extern "C" void cfk_video_writer_close(cfk_video_writer *writer) {
  if (writer != nullptr) loaded().module->writer_close(writer);
}
