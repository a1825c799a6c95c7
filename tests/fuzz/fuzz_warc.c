/*
 * fuzz_warc — libFuzzer harness for the WARC reader (ic_warc_read_buffer,
 * the body of ic_warc_read) on arbitrary bytes: a tampered evidence.warc
 * handed to `isrcert verify`. Build with tests/fuzz/build.sh; see README.md.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "warc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touch every byte the reader hands out, so a record pointing outside the
 * archive shows up under ASan. */
static int
visit(const ic_warc_record *rec, void *ctx)
{
    size_t *n = ctx;
    unsigned sum = 0;

    if (!rec->type || !rec->id)
        abort();
    sum += (unsigned)strlen(rec->type) + (unsigned)strlen(rec->id);
    if (rec->target_uri)
        sum += (unsigned)strlen(rec->target_uri);
    if (rec->concurrent_to)
        sum += (unsigned)strlen(rec->concurrent_to);
    if (rec->test)
        sum += (unsigned)strlen(rec->test);
    if (rec->block_digest)
        sum += (unsigned)strlen(rec->block_digest);
    for (size_t i = 0; i < rec->block_len; i++)
        sum += rec->block[i];
    if (rec->digest_ok < -1 || rec->digest_ok > 1 || rec->offset < 0)
        abort();
    (*n)++;
    /* stop after a few records sometimes, as a verifier may */
    return sum == 12345 ? 1 : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    int rc;

    /* an exact-size copy: no NUL after the end, as with mmap */
    rc = ic_warc_read_buffer("fuzz.warc", size ? data : NULL, size, visit, &n);
    if (rc < 0 && ic_error_last() == NULL)
        abort();
    return 0;
}
