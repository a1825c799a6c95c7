/*
 * fuzz_evidence — libFuzzer harness for the evidence check of `isrcert
 * verify` (ic_evidence_check): a tampered report.json and evidence.warc.
 * The input is REPORT \0 WARC, written into a temp run directory.
 * Build with tests/fuzz/build.sh; see README.md.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence_check.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void
remove_dir(void)
{
    char *p = ic_path_join(dir, "report.json");

    unlink(p);
    free(p);
    p = ic_path_join(dir, "evidence.warc");
    unlink(p);
    free(p);
    rmdir(dir);
}

static void
put(const char *name, const void *data, size_t len)
{
    char *p = ic_path_join(dir, name);
    FILE *f = fopen(p, "wb");

    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        abort();
    free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t rlen = nul ? (size_t)(nul - data) : size;
    size_t failures = 0;
    FILE *out;

    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "/tmp/fuzz-evidence-XXXXXX");
        if (!mkdtemp(dir))
            abort();
        atexit(remove_dir);
    }
    put("report.json", data, rlen);
    put("evidence.warc", nul ? nul + 1 : data + size,
        nul ? size - rlen - 1 : 0);
    out = fopen("/dev/null", "w");
    if (!out)
        abort();
    ic_evidence_check(dir, out, &failures);
    fclose(out);
    return 0;
}
