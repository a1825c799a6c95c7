/* The image assertion: its spec (checked at load) and its evaluation on a
 * decoded response body; see image.h. */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <math.h> /* isfinite */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "image.h"
#include "util.h"

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

    rc = ic_image_read(&img, body, len, max_pixels);
    if (rc == IC_IMAGE_BAD) {
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

    if (rc == IC_IMAGE_TOO_LARGE) {
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
