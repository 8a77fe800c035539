// The video module (libCFaceVideo.so): the only code that calls OpenCV's videoio. CFaceKit loads it
// with dlopen on the first video opened (see cfacekit_video.h) and calls it through this table.
#ifndef CFACEVIDEO_H
#define CFACEVIDEO_H

#include "../../CFaceKit/include/cfacekit_video.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The module's functions, for CFK_VIDEO_MODULE_ABI.
__attribute__((visibility("default"))) const cfk_video_module *cfacevideo_module(void);

#ifdef __cplusplus
}
#endif

#endif
