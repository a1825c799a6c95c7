/*
 * fuzz_trust — libFuzzer harness for the trust-list loader (ic_trust_load)
 * and ic_time_parse_rfc3339: a hostile trust.json. The loader reads a file,
 * so the input is written to a temp file first. Build with
 * tests/fuzz/build.sh; see README.md.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "trust.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
remove_temp(void)
{
    unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ic_trust *t = NULL;
    FILE *f;
    char why[128], *s;
    time_t when;

    if (!path[0]) {
        int fd;

        snprintf(path, sizeof(path), "/tmp/fuzz-trust-XXXXXX");
        fd = mkstemp(path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(remove_temp);
    }
    f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    if (ic_trust_load(&t, path) == 0) {
        for (size_t i = 0; i < t->nkeys; i++) {
            const ic_trust_key *k = &t->keys[i];

            if (ic_trust_find(t, k->keyid) != k)
                abort();
            (void)ic_trust_key_valid_at(k, k->valid_from, why, sizeof(why));
            (void)ic_trust_key_valid_at(k, k->valid_until, why, sizeof(why));
            (void)ic_trust_key_valid_at(k, time(NULL), why, sizeof(why));
        }
        ic_trust_free(t);
    } else if (t) {
        abort();
    }
    /* the input as one date-time too */
    s = xstrndup((const char *)data, size);
    (void)ic_time_parse_rfc3339(&when, s);
    free(s);
    return 0;
}
