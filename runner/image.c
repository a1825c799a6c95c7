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

/* Internal decode results: a too-large image still reports its size. */
enum { DECODE_OK = 0, DECODE_BAD, DECODE_TOO_LARGE };

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

static int
decode(ic_image *out, const unsigned char *data, size_t len, size_t max_pixels)
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
    if (decode(out, data, len, max_pixels) != DECODE_OK) {
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

/* ---- the assertion spec ------------------------------------------------ */

struct image_spec {
    const char *format; /* borrowed; NULL when absent */
    int has_width, has_height;
    unsigned width, height;
    int transparent; /* -1 absent */
    int has_pixel;
    unsigned px, py, pixel_tolerance;
    unsigned char pixel_color[4];
    const char *pixel_color_text; /* borrowed */
    int has_share, has_min, has_max;
    double share_min, share_max;
    unsigned share_tolerance;
    unsigned char share_color[4];
    const char *share_color_text; /* borrowed */
};

static int
is_template(const json_t *v)
{
    return json_is_string(v) && strstr(json_string_value(v), "${") != NULL;
}

/* A JSON number or a string holding one. */
static int
number_value(const json_t *v, double *out)
{
    const char *s;
    char *end;
    double d;

    if (json_is_integer(v)) {
        *out = (double)json_integer_value(v);
        return 0;
    }
    if (json_is_real(v)) {
        *out = json_real_value(v);
        return 0;
    }
    if (!json_is_string(v))
        return -1;
    s = json_string_value(v);
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '\0')
        return -1;
    d = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0' || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

static int
parse_color(const char *s, unsigned char rgba[4])
{
    size_t n = strlen(s), i;
    unsigned v;

    if (s[0] != '#' || (n != 7 && n != 9))
        return -1;
    rgba[3] = 0xff;
    for (i = 0; i < (n - 1) / 2; i++) {
        char hex[3] = {s[1 + 2 * i], s[2 + 2 * i], '\0'};
        char *end;

        if (!isxdigit((unsigned char)hex[0]) ||
            !isxdigit((unsigned char)hex[1]))
            return -1;
        v = (unsigned)strtoul(hex, &end, 16);
        rgba[i] = (unsigned char)v;
    }
    return 0;
}

/* Canonical format name ("png", "gif", "jpeg") or NULL when unknown. */
static const char *
format_canonical(const char *name)
{
    static const struct {
        const char *alias, *canonical;
    } names[] = {{"png", "png"},    {"png8", "png"},  {"png24", "png"},
                 {"png32", "png"},  {"x-png", "png"}, {"gif", "gif"},
                 {"jpeg", "jpeg"},  {"jpg", "jpeg"},  {"pjpeg", "jpeg"},
                 {"x-jpeg", "jpeg"}};
    char base[16];
    size_t n = 0, i;

    while (isspace((unsigned char)*name))
        name++;
    if (strncasecmp(name, "image/", 6) == 0)
        name += 6;
    while (name[n] != '\0' && name[n] != ';' &&
           !isspace((unsigned char)name[n])) {
        if (n + 1 >= sizeof(base))
            return NULL;
        base[n] = (char)tolower((unsigned char)name[n]);
        n++;
    }
    base[n] = '\0';
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(base, names[i].alias) == 0)
            return names[i].canonical;
    return NULL;
}

/*
 * Shared by the load-time check (templates allowed: their values are left
 * unset) and the evaluation (everything must be literal by then).
 */
struct spec_ctx {
    int allow_templates;
    char *err;
    size_t errlen;
};

static int spec_error(struct spec_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
spec_error(struct spec_ctx *c, const char *fmt, ...)
{
    va_list ap;

    if (c->errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* 1 when a value was read, 0 for a template left for later, -1 on error. */
static int
spec_uint(struct spec_ctx *c, const json_t *v, const char *key, double max,
          unsigned *out)
{
    double d;

    if (c->allow_templates && is_template(v))
        return 0;
    if (number_value(v, &d) != 0 || d < 0 || d > max ||
        d != (double)(uint64_t)d)
        return spec_error(c, "image.%s: expected an integer from 0 to %.0f",
                          key, max);
    *out = (unsigned)d;
    return 1;
}

static int
spec_share_bound(struct spec_ctx *c, const json_t *v, const char *key,
                 double *out)
{
    double d;

    if (c->allow_templates && is_template(v))
        return 0;
    if (number_value(v, &d) != 0 || d < 0 || d > 1)
        return spec_error(c, "image.share.%s: expected a number from 0 to 1",
                          key);
    *out = d;
    return 1;
}

static int
spec_color(struct spec_ctx *c, const json_t *v, const char *key,
           unsigned char rgba[4], const char **text)
{
    if (v == NULL)
        return spec_error(c, "image.%s: missing", key);
    if (c->allow_templates && is_template(v))
        return 0;
    if (!json_is_string(v) || parse_color(json_string_value(v), rgba) != 0)
        return spec_error(c, "image.%s: expected \"#rrggbb\" or \"#rrggbbaa\"",
                          key);
    *text = json_string_value(v);
    return 1;
}

static int
spec_pixel(struct spec_ctx *c, struct image_spec *sp, const json_t *obj)
{
    const char *key;
    const json_t *v;

    if (!json_is_object(obj))
        return spec_error(c, "image.pixel: expected an object");
    json_object_foreach ((json_t *)obj, key, v) {
        if (strcmp(key, "x") != 0 && strcmp(key, "y") != 0 &&
            strcmp(key, "color") != 0 && strcmp(key, "tolerance") != 0)
            return spec_error(c,
                              "image.pixel.%s: unknown key (x, y, color, "
                              "tolerance)",
                              key);
    }
    if ((v = json_object_get(obj, "x")) == NULL)
        return spec_error(c, "image.pixel.x: missing");
    if (spec_uint(c, v, "pixel.x", UINT_MAX, &sp->px) < 0)
        return -1;
    if ((v = json_object_get(obj, "y")) == NULL)
        return spec_error(c, "image.pixel.y: missing");
    if (spec_uint(c, v, "pixel.y", UINT_MAX, &sp->py) < 0)
        return -1;
    if (spec_color(c, json_object_get(obj, "color"), "pixel.color",
                   sp->pixel_color, &sp->pixel_color_text) < 0)
        return -1;
    if ((v = json_object_get(obj, "tolerance")) != NULL &&
        spec_uint(c, v, "pixel.tolerance", 255, &sp->pixel_tolerance) < 0)
        return -1;
    sp->has_pixel = 1;
    return 0;
}

static int
spec_share(struct spec_ctx *c, struct image_spec *sp, const json_t *obj)
{
    const char *key;
    const json_t *v;
    int r;

    if (!json_is_object(obj))
        return spec_error(c, "image.share: expected an object");
    json_object_foreach ((json_t *)obj, key, v) {
        if (strcmp(key, "color") != 0 && strcmp(key, "min") != 0 &&
            strcmp(key, "max") != 0 && strcmp(key, "tolerance") != 0)
            return spec_error(c,
                              "image.share.%s: unknown key (color, min, max, "
                              "tolerance)",
                              key);
    }
    if (spec_color(c, json_object_get(obj, "color"), "share.color",
                   sp->share_color, &sp->share_color_text) < 0)
        return -1;
    if (json_object_get(obj, "min") == NULL &&
        json_object_get(obj, "max") == NULL)
        return spec_error(c, "image.share: needs min or max");
    sp->share_min = 0;
    sp->share_max = 1;
    if ((v = json_object_get(obj, "min")) != NULL) {
        if ((r = spec_share_bound(c, v, "min", &sp->share_min)) < 0)
            return -1;
        sp->has_min = r;
    }
    if ((v = json_object_get(obj, "max")) != NULL) {
        if ((r = spec_share_bound(c, v, "max", &sp->share_max)) < 0)
            return -1;
        sp->has_max = r;
    }
    if (sp->has_min && sp->has_max && sp->share_min > sp->share_max)
        return spec_error(c, "image.share: min is greater than max");
    if ((v = json_object_get(obj, "tolerance")) != NULL &&
        spec_uint(c, v, "share.tolerance", 255, &sp->share_tolerance) < 0)
        return -1;
    sp->has_share = 1;
    return 0;
}

static int
spec_parse(struct image_spec *sp, const json_t *spec, struct spec_ctx *c)
{
    const char *key;
    const json_t *v;
    int r;

    memset(sp, 0, sizeof(*sp));
    sp->transparent = -1;
    if (!json_is_object(spec))
        return spec_error(c, "image: expected an object");
    json_object_foreach ((json_t *)spec, key, v) {
        if (strcmp(key, "format") == 0) {
            if (!json_is_string(v))
                return spec_error(c, "image.format: expected a string");
            if (!(c->allow_templates && is_template(v)))
                sp->format = json_string_value(v);
            if (c->allow_templates && sp->format != NULL &&
                format_canonical(sp->format) == NULL)
                return spec_error(c,
                                  "image.format: unknown format \"%s\" (png, "
                                  "gif, jpeg)",
                                  sp->format);
        } else if (strcmp(key, "width") == 0) {
            if ((r = spec_uint(c, v, "width", UINT_MAX, &sp->width)) < 0)
                return -1;
            sp->has_width = r;
        } else if (strcmp(key, "height") == 0) {
            if ((r = spec_uint(c, v, "height", UINT_MAX, &sp->height)) < 0)
                return -1;
            sp->has_height = r;
        } else if (strcmp(key, "transparent") == 0) {
            if (!json_is_boolean(v))
                return spec_error(c, "image.transparent: expected true or "
                                     "false");
            sp->transparent = json_is_true(v);
        } else if (strcmp(key, "pixel") == 0) {
            if (spec_pixel(c, sp, v) != 0)
                return -1;
        } else if (strcmp(key, "share") == 0) {
            if (spec_share(c, sp, v) != 0)
                return -1;
        } else {
            return spec_error(c,
                              "image.%s: unknown key (format, width, height, "
                              "transparent, pixel, share)",
                              key);
        }
    }
    return 0;
}

int
ic_image_spec_check(const json_t *spec, char *err, size_t errlen)
{
    struct spec_ctx c = {1, err, errlen};
    struct image_spec sp;

    if (errlen > 0)
        err[0] = '\0';
    return spec_parse(&sp, spec, &c);
}

/* ---- evaluation -------------------------------------------------------- */

/* Messages of the failed and the undecided checks, joined with "; ". */
struct verdict {
    char failed[512];
    char canttell[512];
};

static void verdict_note(struct verdict *v, ic_outcome o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
verdict_note(struct verdict *v, ic_outcome o, const char *fmt, ...)
{
    char *buf = o == IC_FAILED ? v->failed : v->canttell;
    size_t size = o == IC_FAILED ? sizeof(v->failed) : sizeof(v->canttell);
    size_t n = strlen(buf);
    va_list ap;

    if (n > 0 && n + 2 < size) {
        memcpy(buf + n, "; ", 3);
        n += 2;
    }
    if (n + 1 >= size)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + n, size - n, fmt, ap);
    va_end(ap);
}

static int
color_within(const unsigned char *px, const unsigned char want[4],
             unsigned tolerance)
{
    int i;

    for (i = 0; i < 4; i++) {
        int d = (int)px[i] - (int)want[i];

        if ((unsigned)abs(d) > tolerance)
            return 0;
    }
    return 1;
}

static void
tolerance_text(char *out, size_t outlen, unsigned tolerance)
{
    if (tolerance > 0)
        snprintf(out, outlen, " \u00b1%u", tolerance);
    else if (outlen > 0)
        out[0] = '\0';
}

static void
check_transparent(struct verdict *v, const struct image_spec *sp,
                  const ic_image *img)
{
    size_t n = (size_t)img->width * img->height, i, count = 0, first = 0;

    for (i = 0; i < n; i++) {
        if (img->rgba[i * 4 + 3] < 255) {
            if (count++ == 0)
                first = i;
        }
    }
    if (sp->transparent && count == 0)
        verdict_note(v, IC_FAILED,
                     "image transparent: expected a pixel with alpha < 255, "
                     "all %zu are opaque",
                     n);
    else if (!sp->transparent && count > 0)
        verdict_note(v, IC_FAILED,
                     "image transparent: expected every pixel opaque, found "
                     "%zu with alpha < 255, first at (%zu,%zu)",
                     count, first % img->width, first / img->width);
}

static void
check_pixel(struct verdict *v, const struct image_spec *sp, const ic_image *img)
{
    const unsigned char *px;
    char tol[16];

    if (sp->px >= img->width || sp->py >= img->height) {
        verdict_note(v, IC_FAILED, "pixel (%u,%u): outside the %ux%u image",
                     sp->px, sp->py, img->width, img->height);
        return;
    }
    px = img->rgba + ((size_t)sp->py * img->width + sp->px) * 4;
    if (color_within(px, sp->pixel_color, sp->pixel_tolerance))
        return;
    tolerance_text(tol, sizeof(tol), sp->pixel_tolerance);
    verdict_note(
        v, IC_FAILED, "pixel (%u,%u): expected %s%s, found #%02x%02x%02x%02x",
        sp->px, sp->py, sp->pixel_color_text, tol, px[0], px[1], px[2], px[3]);
}

static void
check_share(struct verdict *v, const struct image_spec *sp, const ic_image *img)
{
    size_t n = (size_t)img->width * img->height, i, count = 0;
    double share;
    char tol[16], want[64];

    for (i = 0; i < n; i++)
        if (color_within(img->rgba + i * 4, sp->share_color,
                         sp->share_tolerance))
            count++;
    share = n > 0 ? (double)count / (double)n : 0;
    if (share >= sp->share_min && share <= sp->share_max)
        return;
    tolerance_text(tol, sizeof(tol), sp->share_tolerance);
    if (sp->has_min && sp->has_max)
        snprintf(want, sizeof(want), "in [%g, %g]", sp->share_min,
                 sp->share_max);
    else if (sp->has_min)
        snprintf(want, sizeof(want), ">= %g", sp->share_min);
    else
        snprintf(want, sizeof(want), "<= %g", sp->share_max);
    verdict_note(v, IC_FAILED,
                 "share of %s%s: expected %s, found %.6g (%zu of %zu pixels)",
                 sp->share_color_text, tol, want, share, count, n);
}

ic_outcome
ic_image_assert(const json_t *spec, const unsigned char *body, size_t len,
                size_t max_pixels, char *msg, size_t msglen)
{
    struct spec_ctx c = {0, msg, msglen};
    struct image_spec sp;
    struct verdict v;
    ic_image img;
    const char *want = NULL;
    ic_outcome result = IC_PASSED;
    int rc;

    memset(&img, 0, sizeof(img));
    memset(&v, 0, sizeof(v));
    if (msglen > 0)
        msg[0] = '\0';
    if (spec_parse(&sp, spec, &c) != 0)
        return IC_CANTTELL;
    if (sp.format != NULL && (want = format_canonical(sp.format)) == NULL) {
        snprintf(msg, msglen,
                 "image format: \"%s\" is not supported (png, gif, jpeg)",
                 sp.format);
        return IC_CANTTELL;
    }

    rc = decode(&img, body, len, max_pixels);
    if (rc == DECODE_BAD) {
        snprintf(msg, msglen, "%s", ic_error_last());
        result = IC_FAILED;
        goto cleanup;
    }
    if (want != NULL && strcmp(want, img.format) != 0)
        verdict_note(&v, IC_FAILED, "image format: expected %s, found %s",
                     sp.format, img.format);
    if (sp.has_width && sp.width != img.width)
        verdict_note(&v, IC_FAILED, "image width: expected %u, found %u",
                     sp.width, img.width);
    if (sp.has_height && sp.height != img.height)
        verdict_note(&v, IC_FAILED, "image height: expected %u, found %u",
                     sp.height, img.height);

    if (rc == DECODE_TOO_LARGE) {
        verdict_note(&v, IC_CANTTELL, "%s", ic_error_last());
    } else if (sp.transparent >= 0 || sp.has_pixel || sp.has_share) {
        if (!img.decoded) {
            verdict_note(&v, IC_CANTTELL,
                         "image pixel checks need a PNG image, this is a %s "
                         "(only its header is read)",
                         img.format);
        } else {
            if (sp.transparent >= 0)
                check_transparent(&v, &sp, &img);
            if (sp.has_pixel)
                check_pixel(&v, &sp, &img);
            if (sp.has_share)
                check_share(&v, &sp, &img);
        }
    }

    if (v.failed[0] != '\0') {
        snprintf(msg, msglen, "%s", v.failed);
        result = IC_FAILED;
    } else if (v.canttell[0] != '\0') {
        snprintf(msg, msglen, "%s", v.canttell);
        result = IC_CANTTELL;
    }

cleanup:
    ic_image_dispose(&img);
    return result;
}
