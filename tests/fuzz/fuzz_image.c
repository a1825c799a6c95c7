/*
 * fuzz_image — libFuzzer harness for ic_image_decode and ic_image_assert.
 * Not built by make. From a configured build directory (for config.h):
 *
 *   S=/work/main
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -I$S/runner \
 *       $(pkg-config --cflags libpng jansson) $S/tests/fuzz/fuzz_image.c \
 *       $S/runner/image.c $S/runner/util.c $S/runner/error.c \
 *       $(pkg-config --libs libpng jansson libcrypto) -o fuzz_image
 *   mkdir -p corpus && ./fuzz_image -max_len=4096 -max_total_time=120 corpus
 *
 * Seed the corpus with a few small PNG, GIF and JPEG files for depth; add
 * -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION so PNG CRCs are not checked.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "image.h"

/* Small enough that a hostile header cannot make the harness swap. */
#define FUZZ_MAX_PIXELS ((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *spec;
    ic_image img;
    char msg[256];

    if (ic_image_decode(&img, data, size, FUZZ_MAX_PIXELS) == 0) {
        if (img.decoded && img.rgba == NULL)
            abort();
        /* Touch every pixel so a short buffer shows up under ASan. */
        if (img.decoded) {
            size_t i, n = (size_t)img.width * img.height * 4;
            unsigned sum = 0;

            for (i = 0; i < n; i++)
                sum += img.rgba[i];
            if (sum == 1)
                msg[0] = '\0';
        }
        ic_image_dispose(&img);
    } else if (img.rgba != NULL || img.decoded) {
        abort();
    }

    if (spec == NULL)
        spec = json_loads("{\"format\": \"png\", \"width\": \"7\", "
                          "\"transparent\": true, \"pixel\": {\"x\": 3, "
                          "\"y\": 2, \"color\": \"#10203040\", "
                          "\"tolerance\": 9}, \"share\": {\"color\": "
                          "\"#ffffff\", \"min\": 0.5, \"tolerance\": 2}}",
                          0, NULL);
    if (spec == NULL)
        abort();
    (void)ic_image_assert(spec, data, size, FUZZ_MAX_PIXELS, msg, sizeof(msg));
    return 0;
}
