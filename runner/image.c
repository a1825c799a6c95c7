#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <math.h> /* isfinite */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <png.h>

#include "error.h"
#include "image.h"
#include "util.h"

/* Decode results: a too-large image still reports its size. */
enum {
    DECODE_OK = IC_IMAGE_OK,
    DECODE_BAD = IC_IMAGE_BAD,
    DECODE_TOO_LARGE = IC_IMAGE_TOO_LARGE
};

static const unsigned char png_signature[8] = {0x89, 'P',  'N',  'G',
                                               '\r', '\n', 0x1a, '\n'};

/* ---- decoding ---------------------------------------------------------- */

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Set the message of a body that cannot be used as an image. */
static int
bad(const char *fmt, ...)
{
    char text[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    ic_error_set(IC_EINPUT, "%s", text);
    return DECODE_BAD;
}

static int
check_pixel_cap(const ic_image *img, size_t max_pixels)
{
    uint64_t n = (uint64_t)img->width * img->height;

    if (n > (uint64_t)max_pixels) {
        ic_error_set(IC_EINPUT,
                     "image too large: %ux%u is more than the limit of %zu "
                     "pixels",
                     img->width, img->height, max_pixels);
        return DECODE_TOO_LARGE;
    }
    return DECODE_OK;
}

/*
 * libpng's own default width limit, kept because its row buffers grow with
 * the width (up to 16 bytes a pixel), beyond what the pixel cap accounts for.
 */
#define PNG_MAX_WIDTH 1000000u

/* State shared between the libpng callbacks and the caller of setjmp. */
struct png_source {
    const unsigned char *data; /* borrowed */
    size_t len;
    size_t pos;
    size_t max_pixels;
    png_structp png;
    png_infop info;
    unsigned char *rgba; /* owned until handed to the image */
    png_bytep *rows;     /* owned */
    png_uint_32 width, height;
    int truncated;
    int too_large;
    int out_of_memory;
    char message[200];
};

static void
png_read_memory(png_structp png, png_bytep buf, size_t n)
{
    struct png_source *src = png_get_io_ptr(png);

    if (n > src->len - src->pos) {
        src->truncated = 1;
        png_error(png, "unexpected end of data");
    }
    memcpy(buf, src->data + src->pos, n);
    src->pos += n;
}

static void
png_on_error(png_structp png, png_const_charp text)
{
    struct png_source *src = png_get_error_ptr(png);

    snprintf(src->message, sizeof(src->message), "%s", text);
    png_longjmp(png, 1);
}

static void
png_on_warning(png_structp png, png_const_charp text)
{
    /* Ancillary-chunk trouble does not make an image unusable. */
    (void)png;
    (void)text;
}

/*
 * The only function that calls setjmp. Everything that must survive a
 * longjmp lives in *src, which belongs to the caller's frame, so no local
 * here needs to be volatile.
 */
static int
png_run(struct png_source *src)
{
    png_uint_32 w, h, y;
    int depth, ctype, has_trns;

    if (setjmp(png_jmpbuf(src->png)))
        return -1;

    png_set_read_fn(src->png, src, png_read_memory);
    /* Our pixel cap governs size, not libpng's per-dimension default. */
    png_set_user_limits(src->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    /* Skip text, ICC profiles and the like: not needed, and a bomb risk. */
    png_set_keep_unknown_chunks(src->png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    /* Let mutated inputs get past the CRCs to the decoder proper. */
    png_set_crc_action(src->png, PNG_CRC_QUIET_USE, PNG_CRC_QUIET_USE);
#endif
    png_read_info(src->png, src->info);
    png_get_IHDR(src->png, src->info, &w, &h, &depth, &ctype, NULL, NULL, NULL);
    src->width = w;
    src->height = h;
    if ((uint64_t)w * h > (uint64_t)src->max_pixels || w > PNG_MAX_WIDTH) {
        src->too_large = 1;
        return -1;
    }

    has_trns = png_get_valid(src->png, src->info, PNG_INFO_tRNS) != 0;
    if (ctype == PNG_COLOR_TYPE_PALETTE || depth < 8 || has_trns)
        png_set_expand(src->png);
    if (depth == 16)
        png_set_scale_16(src->png);
    if ((ctype & PNG_COLOR_MASK_COLOR) == 0)
        png_set_gray_to_rgb(src->png);
    if ((ctype & PNG_COLOR_MASK_ALPHA) == 0 && !has_trns)
        png_set_add_alpha(src->png, 0xff, PNG_FILLER_AFTER);
    (void)png_set_interlace_handling(src->png);
    png_read_update_info(src->png, src->info);
    if (png_get_channels(src->png, src->info) != 4 ||
        png_get_bit_depth(src->png, src->info) != 8 ||
        png_get_rowbytes(src->png, src->info) != (size_t)w * 4)
        png_error(src->png, "unexpected row layout after conversion to RGBA");

    /* Sized by the sender within the cap: fail the image, not the run. */
    src->rgba = malloc((size_t)w * h * 4);
    src->rows = malloc((size_t)h * sizeof(*src->rows));
    if (src->rgba == NULL || src->rows == NULL) {
        src->out_of_memory = 1;
        return -1;
    }
    for (y = 0; y < h; y++)
        src->rows[y] = src->rgba + (size_t)y * w * 4;
    png_read_image(src->png, src->rows);
    png_read_end(src->png, NULL);
    return 0;
}

static int
decode_png(ic_image *out, const unsigned char *data, size_t len,
           size_t max_pixels)
{
    struct png_source src;
    int rc = DECODE_BAD;

    memset(&src, 0, sizeof(src));
    src.data = data;
    src.len = len;
    src.max_pixels = max_pixels;
    src.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_on_error,
                                     png_on_warning);
    if (src.png == NULL) {
        ic_error_set(IC_EINPUT, "PNG decoder could not be set up");
        goto cleanup;
    }
    src.info = png_create_info_struct(src.png);
    if (src.info == NULL) {
        ic_error_set(IC_EINPUT, "PNG decoder could not be set up");
        goto cleanup;
    }
    memcpy(out->format, "png", 4);
    rc = png_run(&src);
    /* Known once the IHDR is read, so also for a too-large image. */
    out->width = src.width;
    out->height = src.height;
    if (rc != 0) {
        rc = DECODE_BAD;
        if (src.too_large && src.width > PNG_MAX_WIDTH) {
            ic_error_set(IC_EINPUT,
                         "image too large: width %u is more than %u pixels",
                         src.width, PNG_MAX_WIDTH);
            rc = DECODE_TOO_LARGE;
        } else if (src.too_large) {
            rc = check_pixel_cap(out, max_pixels);
        } else if (src.out_of_memory) {
            ic_error_set(IC_EINPUT, "image too large: no memory for %ux%u",
                         src.width, src.height);
            rc = DECODE_TOO_LARGE;
        } else if (src.truncated) {
            ic_error_set(IC_EINPUT, "truncated PNG: data ends after %zu bytes",
                         len);
        } else {
            ic_error_set(IC_EINPUT, "corrupt PNG: %s", src.message);
        }
        goto cleanup;
    }
    out->rgba = src.rgba;
    src.rgba = NULL;
    out->decoded = 1;
    rc = DECODE_OK;

cleanup:
    if (src.png != NULL)
        png_destroy_read_struct(&src.png, src.info ? &src.info : NULL, NULL);
    free(src.rows);
    free(src.rgba);
    return rc;
}

static int
decode_gif(ic_image *out, const unsigned char *data, size_t len)
{
    /* Header: "GIF87a" or "GIF89a", then the logical screen size (LE). */
    if (len < 10)
        return bad("truncated GIF: header of %zu bytes", len);
    if (memcmp(data, "GIF87a", 6) != 0 && memcmp(data, "GIF89a", 6) != 0)
        return bad("corrupt GIF: unknown version");
    memcpy(out->format, "gif", 4);
    out->width = (unsigned)data[6] | (unsigned)data[7] << 8;
    out->height = (unsigned)data[8] | (unsigned)data[9] << 8;
    if (out->width == 0 || out->height == 0)
        return bad("corrupt GIF: zero width or height");
    return DECODE_OK;
}

static int
is_jpeg_sof(unsigned m)
{
    /* SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
    return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static int
decode_jpeg(ic_image *out, const unsigned char *data, size_t len)
{
    size_t p = 2, seglen;
    unsigned m;

    memcpy(out->format, "jpeg", 5);
    for (;;) {
        if (p >= len)
            goto truncated;
        if (data[p] != 0xff)
            return bad("corrupt JPEG: no marker at offset %zu", p);
        while (p < len && data[p] == 0xff)
            p++;
        if (p >= len)
            goto truncated;
        m = data[p++];
        if (m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7))
            continue; /* markers without a segment */
        if (m == 0xda || m == 0xd9 || m == 0x00)
            return bad("corrupt JPEG: no frame header (SOF) before the "
                       "image data");
        if (len - p < 2)
            goto truncated;
        seglen = (size_t)data[p] << 8 | data[p + 1];
        if (seglen < 2)
            return bad("corrupt JPEG: bad segment length at offset %zu", p);
        if (is_jpeg_sof(m)) {
            /* length, precision, height, width */
            if (len - p < 7)
                goto truncated;
            if (seglen < 8)
                return bad("corrupt JPEG: frame header too short");
            out->height = (unsigned)data[p + 3] << 8 | data[p + 4];
            out->width = (unsigned)data[p + 5] << 8 | data[p + 6];
            if (out->width == 0 || out->height == 0)
                return bad("corrupt or unsupported JPEG: zero width or "
                           "height in the frame header");
            return DECODE_OK;
        }
        if (seglen > len - p)
            goto truncated;
        p += seglen;
    }

truncated:
    ic_error_set(IC_EINPUT,
                 "truncated JPEG: no frame header (SOF) in %zu bytes", len);
    return DECODE_BAD;
}

/* A short printable rendering of the first bytes, for messages. */
static void
printable_prefix(char *out, size_t outlen, const unsigned char *data,
                 size_t len)
{
    size_t i, n = len < 24 ? len : 24;

    if (outlen == 0)
        return;
    if (n > outlen - 1)
        n = outlen - 1;
    for (i = 0; i < n; i++) {
        unsigned char c = data[i];

        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
        out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
    }
    out[n] = '\0';
}

int
ic_image_read(ic_image *out, const unsigned char *data, size_t len,
              size_t max_pixels)
{
    char prefix[32];
    int rc;

    memset(out, 0, sizeof(*out));
    if (data == NULL)
        len = 0;
    if (max_pixels == 0)
        max_pixels = IC_IMAGE_MAX_PIXELS_DEFAULT;
    if (max_pixels > SIZE_MAX / 8)
        max_pixels = SIZE_MAX / 8;

    if (len >= 4 && memcmp(data, png_signature, 4) == 0)
        return decode_png(out, data, len, max_pixels);
    if (len >= 4 && memcmp(data, "GIF8", 4) == 0)
        rc = decode_gif(out, data, len);
    else if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
        rc = decode_jpeg(out, data, len);
    else if (len == 0)
        return bad("not a PNG/GIF/JPEG image: empty body");
    else {
        printable_prefix(prefix, sizeof(prefix), data, len);
        return bad("not a PNG/GIF/JPEG image: starts with '%s'%s", prefix,
                   len > strlen(prefix) ? "..." : "");
    }
    if (rc == DECODE_OK)
        rc = check_pixel_cap(out, max_pixels);
    return rc;
}

int
ic_image_decode(ic_image *out, const unsigned char *data, size_t len,
                size_t max_pixels)
{
    if (ic_image_read(out, data, len, max_pixels) != DECODE_OK) {
        ic_image_dispose(out);
        return IC_EINPUT;
    }
    return 0;
}

void
ic_image_dispose(ic_image *img)
{
    if (img == NULL)
        return;
    free(img->rgba);
    memset(img, 0, sizeof(*img));
}
