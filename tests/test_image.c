#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <png.h>

#include "error.h"
#include "image.h"
#include "util.h"

/* ---- helpers: PNGs written with libpng into memory --------------------- */

struct png_spec {
    unsigned width, height;
    int depth, ctype, interlace;
    const unsigned char *samples; /* rows back to back, libpng byte layout */
    const png_color *palette;
    int npalette;
    const unsigned char *trns; /* palette alpha */
    int ntrns;
    const png_color_16 *trns_color; /* grey or RGB transparent colour */
    int header_only; /* stop after the header (for size-bomb tests) */
};

static void
mem_write(png_structp png, png_bytep data, size_t n)
{
    ic_buf *b = png_get_io_ptr(png);

    if (ic_buf_append(b, data, n) != 0)
        png_error(png, "test buffer full");
}

static void
mem_flush(png_structp png)
{
    (void)png;
}

static size_t
row_bytes(const struct png_spec *s)
{
    int channels = s->ctype == PNG_COLOR_TYPE_RGB          ? 3
                   : s->ctype == PNG_COLOR_TYPE_RGB_ALPHA  ? 4
                   : s->ctype == PNG_COLOR_TYPE_GRAY_ALPHA ? 2
                                                           : 1;

    return ((size_t)s->width * channels * s->depth + 7) / 8;
}

/* Encode; the caller frees the result. */
static unsigned char *
png_encode(const struct png_spec *s, size_t *len)
{
    png_structp png;
    png_infop info;
    png_bytep *volatile rows = NULL;
    ic_buf b;
    unsigned y;

    ic_buf_init(&b, 0);
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    assert_non_null(png);
    info = png_create_info_struct(png);
    assert_non_null(info);
    if (setjmp(png_jmpbuf(png)))
        fail_msg("libpng could not write the test image");
    png_set_write_fn(png, &b, mem_write, mem_flush);
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_set_IHDR(png, info, s->width, s->height, s->depth, s->ctype,
                 s->interlace, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (s->palette != NULL)
        png_set_PLTE(png, info, s->palette, s->npalette);
    if (s->trns != NULL || s->trns_color != NULL)
        png_set_tRNS(png, info, s->trns, s->ntrns, s->trns_color);
    png_write_info(png, info);
    if (!s->header_only) {
        rows = xmalloc(s->height * sizeof(*rows));
        for (y = 0; y < s->height; y++)
            rows[y] = (png_bytep)s->samples + y * row_bytes(s);
        png_write_image(png, rows);
        png_write_end(png, NULL);
    }
    png_destroy_write_struct(&png, &info);
    free(rows);
    return (unsigned char *)ic_buf_take(&b, len);
}

/* 3x2 RGB: red, green, blue / white, black, grey. */
static const unsigned char rgb_samples[] = {0xff, 0, 0,    0,    0xff, 0,
                                            0,    0, 0xff, 0xff, 0xff, 0xff,
                                            0,    0, 0,    0x80, 0x80, 0x80};

static unsigned char *
rgb_png(size_t *len)
{
    struct png_spec s = {.width = 3,
                         .height = 2,
                         .depth = 8,
                         .ctype = PNG_COLOR_TYPE_RGB,
                         .samples = rgb_samples};

    return png_encode(&s, len);
}

/* 2x2 RGBA: opaque red, half-transparent green, clear, opaque white. */
static const unsigned char rgba_samples[] = {
    0xff, 0, 0, 0xff, 0, 0xff, 0, 0x80, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};

static unsigned char *
rgba_png(size_t *len)
{
    struct png_spec s = {.width = 2,
                         .height = 2,
                         .depth = 8,
                         .ctype = PNG_COLOR_TYPE_RGB_ALPHA,
                         .samples = rgba_samples};

    return png_encode(&s, len);
}

/* 4x4 RGB: 12 white pixels and 4 red ones (the diagonal). */
static unsigned char *
share_png(size_t *len)
{
    unsigned char samples[4 * 4 * 3];
    struct png_spec s = {.width = 4,
                         .height = 4,
                         .depth = 8,
                         .ctype = PNG_COLOR_TYPE_RGB,
                         .samples = samples};
    int x, y;

    memset(samples, 0xff, sizeof(samples));
    for (y = 0; y < 4; y++)
        for (x = 0; x < 4; x++)
            if (x == y) {
                samples[(y * 4 + x) * 3 + 1] = 0;
                samples[(y * 4 + x) * 3 + 2] = 0;
            }
    return png_encode(&s, len);
}

static void
assert_pixel(const ic_image *img, unsigned x, unsigned y, unsigned r,
             unsigned g, unsigned b, unsigned a)
{
    const unsigned char *p = img->rgba + ((size_t)y * img->width + x) * 4;

    assert_int_equal(p[0], r);
    assert_int_equal(p[1], g);
    assert_int_equal(p[2], b);
    assert_int_equal(p[3], a);
}

static json_t *
json(const char *text)
{
    json_error_t error;
    json_t *j = json_loads(text, 0, &error);

    if (j == NULL)
        fail_msg("bad JSON in test: %s", error.text);
    return j;
}

/* Evaluate spec text against body; returns the outcome, message in msg. */
static ic_outcome
run_assert(const char *spec_text, const unsigned char *body, size_t len,
           char *msg, size_t msglen)
{
    json_t *spec = json(spec_text);
    ic_outcome o = ic_image_assert(spec, body, len, 0, msg, msglen);

    json_decref(spec);
    return o;
}

/* ---- decoding ---------------------------------------------------------- */

static void
test_image_decode_rgb(void **state)
{
    size_t len;
    unsigned char *data = rgb_png(&len);
    ic_image img;

    (void)state;
    assert_int_equal(ic_image_decode(&img, data, len, 0), 0);
    assert_string_equal(img.format, "png");
    assert_int_equal(img.width, 3);
    assert_int_equal(img.height, 2);
    assert_int_equal(img.decoded, 1);
    assert_pixel(&img, 0, 0, 0xff, 0, 0, 0xff);
    assert_pixel(&img, 1, 0, 0, 0xff, 0, 0xff);
    assert_pixel(&img, 2, 0, 0, 0, 0xff, 0xff);
    assert_pixel(&img, 0, 1, 0xff, 0xff, 0xff, 0xff);
    assert_pixel(&img, 2, 1, 0x80, 0x80, 0x80, 0xff);
    ic_image_dispose(&img);
    assert_null(img.rgba);
    ic_image_dispose(NULL);
    free(data);
}

static void
test_image_decode_rgba(void **state)
{
    size_t len;
    unsigned char *data = rgba_png(&len);
    ic_image img;

    (void)state;
    assert_int_equal(ic_image_decode(&img, data, len, 0), 0);
    assert_int_equal(img.width, 2);
    assert_int_equal(img.height, 2);
    assert_pixel(&img, 0, 0, 0xff, 0, 0, 0xff);
    assert_pixel(&img, 1, 0, 0, 0xff, 0, 0x80);
    assert_pixel(&img, 0, 1, 0, 0, 0, 0);
    assert_pixel(&img, 1, 1, 0xff, 0xff, 0xff, 0xff);
    ic_image_dispose(&img);
    free(data);
}

static void
test_image_decode_palette_trns(void **state)
{
    static const png_color palette[] = {
        {0xff, 0, 0}, {0, 0xff, 0}, {0, 0, 0xff}, {0x10, 0x20, 0x30}};
    static const unsigned char trns[] = {0x00, 0x80};
    /* 2-bit indices 0,1,2,3 then 3,2,1,0 */
    static const unsigned char samples[] = {0x1b, 0xe4};
    struct png_spec s = {.width = 4,
                         .height = 2,
                         .depth = 2,
                         .ctype = PNG_COLOR_TYPE_PALETTE,
                         .samples = samples,
                         .palette = palette,
                         .npalette = 4,
                         .trns = trns,
                         .ntrns = 2};
    size_t len;
    unsigned char *data = png_encode(&s, &len);
    ic_image img;

    (void)state;
    assert_int_equal(ic_image_decode(&img, data, len, 0), 0);
    assert_int_equal(img.width, 4);
    assert_int_equal(img.height, 2);
    assert_pixel(&img, 0, 0, 0xff, 0, 0, 0);
    assert_pixel(&img, 1, 0, 0, 0xff, 0, 0x80);
    assert_pixel(&img, 2, 0, 0, 0, 0xff, 0xff);
    assert_pixel(&img, 3, 0, 0x10, 0x20, 0x30, 0xff);
    assert_pixel(&img, 0, 1, 0x10, 0x20, 0x30, 0xff);
    assert_pixel(&img, 3, 1, 0xff, 0, 0, 0);
    ic_image_dispose(&img);
    free(data);
}

static void
test_image_decode_gray16(void **state)
{
    /* 0x0000, 0x8080, 0xffff (transparent by tRNS), 0x1234 */
    static const unsigned char samples[] = {0x00, 0x00, 0x80, 0x80,
                                            0xff, 0xff, 0x12, 0x34};
    png_color_16 key = {.gray = 0xffff};
    struct png_spec s = {.width = 4,
                         .height = 1,
                         .depth = 16,
                         .ctype = PNG_COLOR_TYPE_GRAY,
                         .samples = samples,
                         .trns_color = &key};
    size_t len;
    unsigned char *data = png_encode(&s, &len);
    ic_image img;

    (void)state;
    assert_int_equal(ic_image_decode(&img, data, len, 0), 0);
    assert_int_equal(img.width, 4);
    assert_pixel(&img, 0, 0, 0, 0, 0, 0xff);
    assert_pixel(&img, 1, 0, 0x80, 0x80, 0x80, 0xff);
    assert_pixel(&img, 2, 0, 0xff, 0xff, 0xff, 0);
    assert_pixel(&img, 3, 0, 0x12, 0x12, 0x12, 0xff);
    ic_image_dispose(&img);
    free(data);
}

static void
test_image_decode_gray_alpha(void **state)
{
    static const unsigned char samples[] = {0x40, 0xff, 0xc0, 0x10};
    struct png_spec s = {.width = 2,
                         .height = 1,
                         .depth = 8,
                         .ctype = PNG_COLOR_TYPE_GRAY_ALPHA,
                         .samples = samples};
    size_t len;
    unsigned char *data = png_encode(&s, &len);
    ic_image img;

    (void)state;
    assert_int_equal(ic_image_decode(&img, data, len, 0), 0);
    assert_pixel(&img, 0, 0, 0x40, 0x40, 0x40, 0xff);
    assert_pixel(&img, 1, 0, 0xc0, 0xc0, 0xc0, 0x10);
    ic_image_dispose(&img);
    free(data);
}

static void
test_image_decode_interlaced(void **state)
{
    enum { W = 11, H = 9 };
    unsigned char samples[W * H * 3];
    struct png_spec s = {.width = W,
                         .height = H,
                         .depth = 8,
                         .ctype = PNG_COLOR_TYPE_RGB,
                         .interlace = PNG_INTERLACE_ADAM7,
                         .samples = samples};
    size_t len;
    unsigned char *data;
    ic_image img;
    unsigned x, y;

    (void)state;
    for (y = 0; y < H; y++)
        for (x = 0; x < W; x++) {
            samples[(y * W + x) * 3] = (unsigned char)(x * 20);
            samples[(y * W + x) * 3 + 1] = (unsigned char)(y * 25);
            samples[(y * W + x) * 3 + 2] = (unsigned char)(x * y);
        }
    data = png_encode(&s, &len);
    /* Adam7 is flagged in the IHDR interlace byte. */
    assert_int_equal(data[8 + 8 + 12], 1);
    assert_int_equal(ic_image_decode(&img, data, len, 0), 0);
    assert_int_equal(img.width, W);
    assert_int_equal(img.height, H);
    for (y = 0; y < H; y++)
        for (x = 0; x < W; x++)
            assert_pixel(&img, x, y, x * 20, y * 25, x * y, 0xff);
    ic_image_dispose(&img);
    free(data);
}

static void
test_image_decode_truncated(void **state)
{
    size_t len, cut;
    unsigned char *data = rgb_png(&len);
    ic_image img;
    char want[64];

    (void)state;
    /* Every proper prefix is refused, with no pixels left behind. */
    for (cut = 0; cut < len; cut++) {
        assert_int_equal(ic_image_decode(&img, data, cut, 0), IC_EINPUT);
        assert_null(img.rgba);
        assert_int_equal(img.decoded, 0);
    }
    /* Everything but the IEND chunk. */
    assert_int_equal(ic_image_decode(&img, data, len - 12, 0), IC_EINPUT);
    snprintf(want, sizeof(want), "truncated PNG: data ends after %zu bytes",
             len - 12);
    assert_string_equal(ic_error_last(), want);
    free(data);
}

static void
test_image_decode_corrupt(void **state)
{
    size_t len, i;
    unsigned char *data = rgb_png(&len);
    unsigned char *bad = xmalloc(len);
    ic_image img;

    (void)state;
    /* A flipped bit inside the IHDR fails its CRC. */
    memcpy(bad, data, len);
    bad[8 + 8 + 3] ^= 0x01;
    assert_int_equal(ic_image_decode(&img, bad, len, 0), IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "corrupt PNG"));
    assert_non_null(strstr(ic_error_last(), "CRC"));

    /* Any single damaged byte: refused or decoded, never a crash. */
    for (i = 0; i < len; i++) {
        int rc;

        memcpy(bad, data, len);
        bad[i] ^= 0xa5;
        rc = ic_image_decode(&img, bad, len, 0);
        assert_true(rc == 0 || rc == IC_EINPUT);
        if (rc == 0) {
            assert_non_null(img.rgba);
            ic_image_dispose(&img);
        } else {
            assert_null(img.rgba);
        }
    }
    free(bad);
    free(data);
}

static void
test_image_decode_garbage(void **state)
{
    static const char xml[] = "<?xml version=\"1.0\"?>\n<ServiceException"
                              "Report/>";
    static const unsigned char bin[] = {'I', 'I', '*', 0, 8, 0, 0, 0};
    ic_image img;

    (void)state;
    assert_int_equal(
        ic_image_decode(&img, (const unsigned char *)xml, sizeof(xml) - 1, 0),
        IC_EINPUT);
    assert_string_equal(ic_error_last(), "not a PNG/GIF/JPEG image: starts "
                                         "with '<?xml version=\"1.0\"?> <S'"
                                         "...");
    assert_int_equal(ic_image_decode(&img, bin, sizeof(bin), 0), IC_EINPUT);
    assert_string_equal(ic_error_last(),
                        "not a PNG/GIF/JPEG image: starts with 'II*.....'");
    assert_int_equal(ic_image_decode(&img, NULL, 0, 0), IC_EINPUT);
    assert_string_equal(ic_error_last(),
                        "not a PNG/GIF/JPEG image: empty body");
}

static void
test_image_decode_bomb(void **state)
{
    /* Only the header is written: the pixels would take 40 GB. */
    struct png_spec s = {.width = 100000,
                         .height = 100000,
                         .depth = 8,
                         .ctype = PNG_COLOR_TYPE_RGB_ALPHA,
                         .header_only = 1};
    /* The reader needs to see the first IDAT to finish the header. */
    static const unsigned char idat[] = {0, 0, 0, 0, 'I', 'D', 'A', 'T'};
    size_t len;
    unsigned char *head = png_encode(&s, &len);
    unsigned char *data = xmalloc(len + sizeof(idat));
    ic_image img;
    char msg[256];

    (void)state;
    memcpy(data, head, len);
    memcpy(data + len, idat, sizeof(idat));
    len += sizeof(idat);
    assert_int_equal(ic_image_decode(&img, data, len, 0), IC_EINPUT);
    assert_string_equal(ic_error_last(),
                        "image too large: 100000x100000 is more than the "
                        "limit of 67108864 pixels");
    assert_null(img.rgba);
    /* An explicit cap is honoured too. */
    assert_int_equal(ic_image_decode(&img, data, len, 1000), IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "limit of 1000 pixels"));

    /* The size is still known: a wrong width is a failure ... */
    assert_int_equal(
        run_assert("{\"width\": 200}", data, len, msg, sizeof(msg)), IC_FAILED);
    assert_string_equal(msg, "image width: expected 200, found 100000");
    /* ... but a matching one cannot be confirmed. */
    assert_int_equal(run_assert("{\"width\": 100000, \"format\": \"png\"}",
                                data, len, msg, sizeof(msg)),
                     IC_CANTTELL);
    assert_non_null(strstr(msg, "too large"));
    free(data);
    free(head);

    /* Few pixels, but libpng's row buffers would still be huge. */
    s.width = 2000000;
    s.height = 1;
    head = png_encode(&s, &len);
    data = xmalloc(len + sizeof(idat));
    memcpy(data, head, len);
    memcpy(data + len, idat, sizeof(idat));
    len += sizeof(idat);
    assert_int_equal(ic_image_decode(&img, data, len, 0), IC_EINPUT);
    assert_string_equal(ic_error_last(), "image too large: width 2000000 is "
                                         "more than 1000000 pixels");
    free(data);
    free(head);
}

static void
test_image_decode_small_cap(void **state)
{
    size_t len;
    unsigned char *data = rgb_png(&len);
    ic_image img;

    (void)state;
    assert_int_equal(ic_image_decode(&img, data, len, 5), IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "3x2"));
    assert_int_equal(ic_image_decode(&img, data, len, 6), 0);
    ic_image_dispose(&img);
    free(data);
}

static const unsigned char gif_header[] = {
    'G', 'I', 'F', '8', '9', 'a', 0x2c, 0x01, 0xc8, 0x00, 0xf7, 0, 0};

static void
test_image_decode_gif(void **state)
{
    static const unsigned char gif87[] = {'G', 'I', 'F', '8', '7', 'a',
                                          1,   0,   1,   0,   0};
    static const unsigned char badver[] = {'G', 'I', 'F', '8', '8', 'a',
                                           1,   0,   1,   0,   0};
    ic_image img;

    (void)state;
    assert_int_equal(ic_image_decode(&img, gif_header, sizeof(gif_header), 0),
                     0);
    assert_string_equal(img.format, "gif");
    assert_int_equal(img.width, 300);
    assert_int_equal(img.height, 200);
    assert_int_equal(img.decoded, 0);
    assert_null(img.rgba);
    ic_image_dispose(&img);

    assert_int_equal(ic_image_decode(&img, gif87, sizeof(gif87), 0), 0);
    assert_int_equal(img.width, 1);
    ic_image_dispose(&img);

    assert_int_equal(ic_image_decode(&img, gif_header, 9, 0), IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "truncated GIF"));
    assert_int_equal(ic_image_decode(&img, badver, sizeof(badver), 0),
                     IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "corrupt GIF"));
    assert_int_equal(ic_image_decode(&img, gif_header, sizeof(gif_header), 10),
                     IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "too large"));
}

static const unsigned char jpeg_header[] = {
    0xff, 0xd8,                                     /* SOI */
    0xff, 0xe0, 0x00, 0x10, 'J',  'F',  'I',  'F',  /* APP0 */
    0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, /* */
    0x00, 0x00,                                     /* */
    0xff, 0xff,                                     /* fill byte */
    0xff, 0xdb, 0x00, 0x03, 0x00,                   /* short DQT */
    0xff, 0xc2, 0x00, 0x11, 0x08, 0x00, 0xc8, 0x01, /* SOF2 200x300 */
    0x2c, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, /* */
    0x03, 0x11, 0x01,                               /* */
    0xff, 0xda, 0x00, 0x08};                        /* SOS */

static void
test_image_decode_jpeg(void **state)
{
    static const unsigned char sos_first[] = {0xff, 0xd8, 0xff, 0xda,
                                              0x00, 0x02, 0xff, 0xd9};
    static const unsigned char zero_len[] = {0xff, 0xd8, 0xff, 0xe1,
                                             0x00, 0x00, 0xff, 0xc0};
    static const unsigned char no_marker[] = {0xff, 0xd8, 0xff, 0xe0, 0x00,
                                              0x02, 0x12, 0x34, 0x56};
    ic_image img;
    size_t cut;

    (void)state;
    assert_int_equal(ic_image_decode(&img, jpeg_header, sizeof(jpeg_header), 0),
                     0);
    assert_string_equal(img.format, "jpeg");
    assert_int_equal(img.width, 300);
    assert_int_equal(img.height, 200);
    assert_int_equal(img.decoded, 0);
    assert_null(img.rgba);
    ic_image_dispose(&img);

    /* Cut anywhere before the frame size: refused. */
    for (cut = 0; cut < 36; cut++)
        assert_int_equal(ic_image_decode(&img, jpeg_header, cut, 0), IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "truncated JPEG"));
    assert_int_equal(ic_image_decode(&img, sos_first, sizeof(sos_first), 0),
                     IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "no frame header"));
    assert_int_equal(ic_image_decode(&img, zero_len, sizeof(zero_len), 0),
                     IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "bad segment length"));
    assert_int_equal(ic_image_decode(&img, no_marker, sizeof(no_marker), 0),
                     IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "no marker at offset 6"));
}

/* ---- the assertion spec ------------------------------------------------ */

static void
test_image_spec_check_valid(void **state)
{
    static const char *const good[] = {
        "{}",
        "{\"format\": \"png\", \"width\": 200, \"height\": 100}",
        "{\"format\": \"image/png; mode=8bit\"}",
        "{\"format\": \"${format}\", \"width\": \"${width}\", "
        "\"height\": \"256\"}",
        "{\"transparent\": false}",
        "{\"pixel\": {\"x\": 0, \"y\": \"${h}\", \"color\": \"#FF0000\", "
        "\"tolerance\": 8}}",
        "{\"pixel\": {\"x\": 1, \"y\": 2, \"color\": \"${c}\"}}",
        "{\"share\": {\"color\": \"#ffffff80\", \"min\": 0.99}}",
        "{\"share\": {\"color\": \"#000000\", \"min\": \"${lo}\", "
        "\"max\": 0.5, \"tolerance\": \"3\"}}",
    };
    char err[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        json_t *spec = json(good[i]);

        if (ic_image_spec_check(spec, err, sizeof(err)) != 0)
            fail_msg("rejected %s: %s", good[i], err);
        assert_string_equal(err, "");
        json_decref(spec);
    }
}

static void
test_image_spec_check_errors(void **state)
{
    static const struct {
        const char *spec, *message;
    } bad[] = {
        {"[]", "image: expected an object"},
        {"{\"colour\": \"#fff\"}",
         "image.colour: unknown key (format, width, height, transparent, "
         "pixel, share)"},
        {"{\"width\": -1}", "image.width: expected an integer from 0 to "
                            "4294967295"},
        {"{\"width\": 1.5}", "image.width: expected an integer from 0 to "
                             "4294967295"},
        {"{\"height\": \"abc\"}", "image.height: expected an integer from 0 "
                                  "to 4294967295"},
        {"{\"format\": 3}", "image.format: expected a string"},
        {"{\"format\": \"image/tiff\"}",
         "image.format: unknown format \"image/tiff\" (png, gif, jpeg)"},
        {"{\"transparent\": \"yes\"}", "image.transparent: expected true or "
                                       "false"},
        {"{\"pixel\": {\"y\": 0, \"color\": \"#000000\"}}",
         "image.pixel.x: missing"},
        {"{\"pixel\": {\"x\": 0, \"y\": 0}}", "image.pixel.color: missing"},
        {"{\"pixel\": {\"x\": 0, \"y\": 0, \"color\": \"red\"}}",
         "image.pixel.color: expected \"#rrggbb\" or \"#rrggbbaa\""},
        {"{\"pixel\": {\"x\": 0, \"y\": 0, \"color\": \"#12345g\"}}",
         "image.pixel.color: expected \"#rrggbb\" or \"#rrggbbaa\""},
        {"{\"pixel\": {\"x\": 0, \"y\": 0, \"color\": \"#123456\", "
         "\"tolerance\": 256}}",
         "image.pixel.tolerance: expected an integer from 0 to 255"},
        {"{\"pixel\": {\"x\": 0, \"y\": 0, \"color\": \"#123456\", "
         "\"z\": 1}}",
         "image.pixel.z: unknown key (x, y, color, tolerance)"},
        {"{\"pixel\": 3}", "image.pixel: expected an object"},
        {"{\"share\": {\"color\": \"#ffffff\"}}",
         "image.share: needs min or max"},
        {"{\"share\": {\"color\": \"#ffffff\", \"min\": 1.5}}",
         "image.share.min: expected a number from 0 to 1"},
        {"{\"share\": {\"color\": \"#ffffff\", \"min\": 0.6, \"max\": 0.4}}",
         "image.share: min is greater than max"},
        {"{\"share\": {\"min\": 0.5}}", "image.share.color: missing"},
        {"{\"share\": {\"color\": \"#ffffff\", \"min\": 0.5, \"mx\": 1}}",
         "image.share.mx: unknown key (color, min, max, tolerance)"},
    };
    char err[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *spec = json(bad[i].spec);

        if (ic_image_spec_check(spec, err, sizeof(err)) != -1)
            fail_msg("accepted %s", bad[i].spec);
        assert_string_equal(err, bad[i].message);
        json_decref(spec);
    }
}

/* ---- evaluation -------------------------------------------------------- */

static void
test_image_assert_size_and_format(void **state)
{
    size_t len;
    unsigned char *data = rgb_png(&len);
    char msg[256];

    (void)state;
    assert_int_equal(run_assert("{\"format\": \"png\", \"width\": 3, "
                                "\"height\": 2}",
                                data, len, msg, sizeof(msg)),
                     IC_PASSED);
    assert_string_equal(msg, "");
    assert_int_equal(run_assert("{\"format\": \"image/png; mode=8bit\", "
                                "\"width\": \"3\", \"height\": \" 2 \"}",
                                data, len, msg, sizeof(msg)),
                     IC_PASSED);
    assert_int_equal(run_assert("{}", data, len, msg, sizeof(msg)), IC_PASSED);
    assert_int_equal(run_assert("{\"width\": 4}", data, len, msg, sizeof(msg)),
                     IC_FAILED);
    assert_string_equal(msg, "image width: expected 4, found 3");
    assert_int_equal(run_assert("{\"format\": \"image/gif\", \"height\": 3}",
                                data, len, msg, sizeof(msg)),
                     IC_FAILED);
    assert_string_equal(msg, "image format: expected image/gif, found png; "
                             "image height: expected 3, found 2");
    /* Unsupported or unexpanded values cannot be decided. */
    assert_int_equal(
        run_assert("{\"format\": \"image/tiff\"}", data, len, msg, sizeof(msg)),
        IC_CANTTELL);
    assert_string_equal(
        msg, "image format: \"image/tiff\" is not supported (png, gif, jpeg)");
    assert_int_equal(
        run_assert("{\"width\": \"${width}\"}", data, len, msg, sizeof(msg)),
        IC_CANTTELL);
    assert_string_equal(msg, "image.width: expected an integer from 0 to "
                             "4294967295");
    /* A tiny message buffer is not overrun. */
    assert_int_equal(run_assert("{\"width\": 4}", data, len, msg, 6),
                     IC_FAILED);
    assert_string_equal(msg, "image");
    free(data);
}

static void
test_image_assert_transparent(void **state)
{
    size_t rgb_len, rgba_len;
    unsigned char *rgb = rgb_png(&rgb_len);
    unsigned char *rgba = rgba_png(&rgba_len);
    char msg[256];

    (void)state;
    assert_int_equal(
        run_assert("{\"transparent\": true}", rgba, rgba_len, msg, sizeof(msg)),
        IC_PASSED);
    assert_int_equal(run_assert("{\"transparent\": false}", rgba, rgba_len, msg,
                                sizeof(msg)),
                     IC_FAILED);
    assert_string_equal(msg, "image transparent: expected every pixel "
                             "opaque, found 2 with alpha < 255, first at "
                             "(1,0)");
    assert_int_equal(
        run_assert("{\"transparent\": false}", rgb, rgb_len, msg, sizeof(msg)),
        IC_PASSED);
    assert_int_equal(
        run_assert("{\"transparent\": true}", rgb, rgb_len, msg, sizeof(msg)),
        IC_FAILED);
    assert_string_equal(msg, "image transparent: expected a pixel with "
                             "alpha < 255, all 6 are opaque");
    free(rgb);
    free(rgba);
}

static void
test_image_assert_pixel(void **state)
{
    size_t len, rgba_len;
    unsigned char *data = rgb_png(&len);
    unsigned char *rgba = rgba_png(&rgba_len);
    char msg[256];

    (void)state;
    assert_int_equal(
        run_assert("{\"pixel\": {\"x\": 0, \"y\": 0, \"color\": \"#FF0000\"}}",
                   data, len, msg, sizeof(msg)),
        IC_PASSED);
    assert_int_equal(run_assert("{\"pixel\": {\"x\": \"2\", \"y\": \"1\", "
                                "\"color\": \"#888888\", \"tolerance\": 8}}",
                                data, len, msg, sizeof(msg)),
                     IC_PASSED);
    assert_int_equal(run_assert("{\"pixel\": {\"x\": 2, \"y\": 1, "
                                "\"color\": \"#898989\", \"tolerance\": 8}}",
                                data, len, msg, sizeof(msg)),
                     IC_FAILED);
    assert_string_equal(msg, "pixel (2,1): expected #898989 \u00b18, found "
                             "#808080ff");
    assert_int_equal(run_assert("{\"pixel\": {\"x\": 1, \"y\": 0, "
                                "\"color\": \"#ff0000\"}}",
                                data, len, msg, sizeof(msg)),
                     IC_FAILED);
    assert_string_equal(msg, "pixel (1,0): expected #ff0000, found #00ff00ff");
    /* Out of bounds is a failure. */
    assert_int_equal(run_assert("{\"pixel\": {\"x\": 3, \"y\": 0, "
                                "\"color\": \"#ff0000\"}}",
                                data, len, msg, sizeof(msg)),
                     IC_FAILED);
    assert_string_equal(msg, "pixel (3,0): outside the 3x2 image");
    /* Alpha takes part: #rrggbb means opaque. */
    assert_int_equal(run_assert("{\"pixel\": {\"x\": 1, \"y\": 0, "
                                "\"color\": \"#00ff0080\"}}",
                                rgba, rgba_len, msg, sizeof(msg)),
                     IC_PASSED);
    assert_int_equal(run_assert("{\"pixel\": {\"x\": 1, \"y\": 0, "
                                "\"color\": \"#00ff00\", \"tolerance\": 100}}",
                                rgba, rgba_len, msg, sizeof(msg)),
                     IC_FAILED);
    assert_string_equal(msg, "pixel (1,0): expected #00ff00 \u00b1100, found "
                             "#00ff0080");
    free(data);
    free(rgba);
}

static void
test_image_assert_share(void **state)
{
    size_t len;
    unsigned char *data = share_png(&len);
    char msg[256];

    (void)state;
    assert_int_equal(run_assert("{\"share\": {\"color\": \"#ffffff\", "
                                "\"min\": 0.75}}",
                                data, len, msg, sizeof(msg)),
                     IC_PASSED);
    assert_int_equal(run_assert("{\"share\": {\"color\": \"#ffffff\", "
                                "\"min\": 0.8}}",
                                data, len, msg, sizeof(msg)),
                     IC_FAILED);
    assert_string_equal(msg, "share of #ffffff: expected >= 0.8, found 0.75 "
                             "(12 of 16 pixels)");
    assert_int_equal(run_assert("{\"share\": {\"color\": \"#ff0000\", "
                                "\"max\": \"0.2\"}}",
                                data, len, msg, sizeof(msg)),
                     IC_FAILED);
    assert_string_equal(msg, "share of #ff0000: expected <= 0.2, found 0.25 "
                             "(4 of 16 pixels)");
    assert_int_equal(run_assert("{\"share\": {\"color\": \"#ff0000\", "
                                "\"min\": 0.2, \"max\": 0.3}}",
                                data, len, msg, sizeof(msg)),
                     IC_PASSED);
    assert_int_equal(run_assert("{\"share\": {\"color\": \"#fe0101\", "
                                "\"min\": 0.3, \"max\": 1}}",
                                data, len, msg, sizeof(msg)),
                     IC_FAILED);
    assert_string_equal(msg, "share of #fe0101: expected in [0.3, 1], found "
                             "0 (0 of 16 pixels)");
    /* With tolerance the near-red matches the red diagonal. */
    assert_int_equal(run_assert("{\"share\": {\"color\": \"#fe0101\", "
                                "\"tolerance\": 1, \"min\": 0.25}}",
                                data, len, msg, sizeof(msg)),
                     IC_PASSED);
    free(data);
}

static void
test_image_assert_not_image(void **state)
{
    static const char xml[] = "<?xml version=\"1.0\"?><ServiceException"
                              "Report/>";
    size_t len;
    unsigned char *data = rgb_png(&len);
    char msg[256], want[64];

    (void)state;
    assert_int_equal(run_assert("{\"format\": \"png\"}",
                                (const unsigned char *)xml, sizeof(xml) - 1,
                                msg, sizeof(msg)),
                     IC_FAILED);
    assert_string_equal(msg, "not a PNG/GIF/JPEG image: starts with "
                             "'<?xml version=\"1.0\"?><Se'...");
    assert_int_equal(
        run_assert("{\"width\": 3}", data, len - 30, msg, sizeof(msg)),
        IC_FAILED);
    snprintf(want, sizeof(want), "truncated PNG: data ends after %zu bytes",
             len - 30);
    assert_string_equal(msg, want);
    free(data);
}

static void
test_image_assert_header_only(void **state)
{
    char msg[256];

    (void)state;
    assert_int_equal(run_assert("{\"format\": \"image/gif\", \"width\": 300, "
                                "\"height\": 200}",
                                gif_header, sizeof(gif_header), msg,
                                sizeof(msg)),
                     IC_PASSED);
    assert_int_equal(run_assert("{\"format\": \"image/jpeg\", \"width\": 300}",
                                jpeg_header, sizeof(jpeg_header), msg,
                                sizeof(msg)),
                     IC_PASSED);
    assert_int_equal(run_assert("{\"format\": \"png\"}", jpeg_header,
                                sizeof(jpeg_header), msg, sizeof(msg)),
                     IC_FAILED);
    assert_string_equal(msg, "image format: expected png, found jpeg");
    assert_int_equal(run_assert("{\"pixel\": {\"x\": 0, \"y\": 0, "
                                "\"color\": \"#ffffff\"}}",
                                gif_header, sizeof(gif_header), msg,
                                sizeof(msg)),
                     IC_CANTTELL);
    assert_string_equal(msg, "image pixel checks need a PNG image, this is a "
                             "gif (only its header is read)");
    assert_int_equal(run_assert("{\"transparent\": true}", jpeg_header,
                                sizeof(jpeg_header), msg, sizeof(msg)),
                     IC_CANTTELL);
    /* A definite failure outranks what cannot be decided. */
    assert_int_equal(run_assert("{\"width\": 1, \"share\": {\"color\": "
                                "\"#ffffff\", \"min\": 1}}",
                                gif_header, sizeof(gif_header), msg,
                                sizeof(msg)),
                     IC_FAILED);
    assert_string_equal(msg, "image width: expected 1, found 300");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_image_decode_rgb),
        cmocka_unit_test(test_image_decode_rgba),
        cmocka_unit_test(test_image_decode_palette_trns),
        cmocka_unit_test(test_image_decode_gray16),
        cmocka_unit_test(test_image_decode_gray_alpha),
        cmocka_unit_test(test_image_decode_interlaced),
        cmocka_unit_test(test_image_decode_truncated),
        cmocka_unit_test(test_image_decode_corrupt),
        cmocka_unit_test(test_image_decode_garbage),
        cmocka_unit_test(test_image_decode_bomb),
        cmocka_unit_test(test_image_decode_small_cap),
        cmocka_unit_test(test_image_decode_gif),
        cmocka_unit_test(test_image_decode_jpeg),
        cmocka_unit_test(test_image_spec_check_valid),
        cmocka_unit_test(test_image_spec_check_errors),
        cmocka_unit_test(test_image_assert_size_and_format),
        cmocka_unit_test(test_image_assert_transparent),
        cmocka_unit_test(test_image_assert_pixel),
        cmocka_unit_test(test_image_assert_share),
        cmocka_unit_test(test_image_assert_not_image),
        cmocka_unit_test(test_image_assert_header_only),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
