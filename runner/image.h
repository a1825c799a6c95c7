/*
 * image — decoding of response bodies as images (PNG fully, GIF and JPEG by
 * header) and the "image" assertion of the suite format.
 */
#ifndef IC_IMAGE_H
#define IC_IMAGE_H

#include <stddef.h>

#include <jansson.h>

#include "outcome.h"

/* Pixel cap used when a caller passes max_pixels 0 (8192 x 8192). */
#define IC_IMAGE_MAX_PIXELS_DEFAULT ((size_t)8192 * 8192)

typedef struct ic_image {
    char format[8]; /* "png", "gif", "jpeg" */
    unsigned width, height;
    int decoded;         /* 1 when rgba holds pixels (PNG), 0 header only */
    unsigned char *rgba; /* owned, width * height * 4, 8-bit RGBA, or NULL */
} ic_image;

/*
 * Decode an image from memory. PNG of any colour type and bit depth becomes
 * 8-bit RGBA (sample values as stored: no gamma correction); GIF and JPEG
 * give format and size from their header only. An image of more than
 * max_pixels pixels (0: IC_IMAGE_MAX_PIXELS_DEFAULT) is refused before any
 * pixel memory is allocated. Returns 0, or IC_EINPUT for a body that is not
 * an image, is truncated or corrupt, or is too large; out is then empty.
 */
int ic_image_decode(ic_image *out, const unsigned char *data, size_t len,
                    size_t max_pixels);
/* Like ic_image_decode, telling a bad image from one that is too large to
 * decode (its format and size are still filled in, without pixels). */
enum { IC_IMAGE_OK = 0, IC_IMAGE_BAD = 1, IC_IMAGE_TOO_LARGE = 2 };
int ic_image_read(ic_image *out, const unsigned char *data, size_t len,
                  size_t max_pixels);
/* Free the pixels and empty the struct; accepts NULL. */
void ic_image_dispose(ic_image *img);

/*
 * Load-time check of the object under "image": known keys only (format,
 * width, height, transparent, pixel{x,y,color,tolerance},
 * share{color,min,max,tolerance}). Numbers may be JSON numbers or strings;
 * strings holding a template ("${...}") are not checked further. On error a
 * message naming the bad key goes to err and -1 is returned.
 */
int ic_image_spec_check(const json_t *spec, char *err, size_t errlen);

/*
 * Evaluate a template-expanded spec against a response body, which is
 * decoded here (max_pixels as for ic_image_decode). A one-line message
 * ("image width: expected 200, found 199") goes to msg unless the result is
 * IC_PASSED. Checks that need pixels are IC_CANTTELL on GIF and JPEG.
 */
ic_outcome ic_image_assert(const json_t *spec, const unsigned char *body,
                           size_t len, size_t max_pixels, char *msg,
                           size_t msglen);

#endif
