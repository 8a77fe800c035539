#ifndef CFACEPREVIEW_H
#define CFACEPREVIEW_H

// A desktop window for att-take --preview, apart from CFaceKit so that only the tool that opens a
// window links OpenCV's highgui (and the GUI toolkit behind it). Plain C, like cfacekit.h.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Shows `bgr` (width x height, 3 bytes a pixel in OpenCV's BGR order, rows packed) in the window named `window`
/// (created on first use) and puts the key pressed meanwhile in *key (-1 for none). Returns 0, or
/// -1 with the reason in `message`. Needs a display: check DISPLAY before calling.
int cfp_preview_show(const char *window, const uint8_t *bgr, int64_t width, int64_t height, int *key, char *message,
                     size_t message_size);

/// Closes the window, if it is open.
void cfp_preview_close(const char *window);

#ifdef __cplusplus
}
#endif

#endif
