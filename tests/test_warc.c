#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "response.h"
#include "util.h"
#include "testutil.h"
#include "warc.h"

typedef struct seen {
    int n;
    char type[8][16];
    char id[8][64];
    char concurrent[8][64];
    char target[8][128];
    char test[8][32];
    char *block[8];
    size_t block_len[8];
    int digest_ok[8];
    long long offset[8];
} seen;

static int
record(const ic_warc_record *rec, void *ctx)
{
    seen *s = ctx;
    int i = s->n++;

    assert_true(i < 8);
    snprintf(s->type[i], sizeof(s->type[i]), "%s", rec->type);
    snprintf(s->id[i], sizeof(s->id[i]), "%s", rec->id);
    snprintf(s->concurrent[i], sizeof(s->concurrent[i]), "%s",
             rec->concurrent_to ? rec->concurrent_to : "");
    snprintf(s->target[i], sizeof(s->target[i]), "%s",
             rec->target_uri ? rec->target_uri : "");
    snprintf(s->test[i], sizeof(s->test[i]), "%s", rec->test ? rec->test : "");
    s->block[i] = xmalloc(rec->block_len + 1);
    memcpy(s->block[i], rec->block, rec->block_len);
    s->block[i][rec->block_len] = '\0';
    s->block_len[i] = rec->block_len;
    s->digest_ok[i] = rec->digest_ok;
    s->offset[i] = rec->offset;
    return 0;
}

static void
seen_dispose(seen *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->block[i]);
}

/* A completed exchange with a binary body (NUL bytes included). */
static void
fill_ok(ic_response *r)
{
    static const unsigned char body[] = {'P', 'N', 'G', 0, 1, 2, 0xff, '\r'};

    ic_response_init(r);
    r->method = xstrdup("GET");
    r->url = xstrdup("http://127.0.0.1:8080/wms?REQUEST=GetMap");
    r->request_raw = xstrdup("GET /wms?REQUEST=GetMap HTTP/1.1\r\n"
                             "Host: 127.0.0.1:8080\r\n\r\n");
    r->request_len = strlen(r->request_raw);
    r->status = 200;
    r->header_raw = xstrdup("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n"
                            "Content-Length: 8\r\n\r\n");
    r->header_len = strlen(r->header_raw);
    r->body = xmalloc(sizeof(body) + 1);
    memcpy(r->body, body, sizeof(body));
    r->body[sizeof(body)] = 0;
    r->body_len = sizeof(body);
}

static void
fill_failed(ic_response *r)
{
    ic_response_init(r);
    r->method = xstrdup("GET");
    r->url = xstrdup("http://127.0.0.1:9/x y\r\nInjected: 1");
    r->request_raw = xstrdup("GET /x HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n");
    r->request_len = strlen(r->request_raw);
    r->transport_error = xstrdup("connection refused\r\nline two");
}

static char *
write_archive(const char *dir, ic_warc_ref *ok, ic_warc_ref *bad)
{
    char *path = ic_path_join(dir, "evidence.warc");
    ic_warc *w = NULL;
    ic_response r1, r2;

    fill_ok(&r1);
    fill_failed(&r2);
    assert_int_equal(ic_warc_open(&w, path, "isrcert 0.1.0"), 0);
    assert_int_equal(ic_warc_write_exchange(w, "getmap[0]", &r1, ok), 0);
    assert_int_equal(ic_warc_write_exchange(w, "down", &r2, bad), 0);
    assert_int_equal(ic_warc_close(w), 0);
    ic_warc_free(w);
    ic_response_dispose(&r1);
    ic_response_dispose(&r2);
    return path;
}

static void
test_warc_round_trip(void **state)
{
    char *dir = test_tmpdir("test_warc"), *path, *text = NULL, want[128],
         hex[65];
    ic_warc_ref ok, bad;
    ic_response r;
    size_t len;
    seen s;

    (void)state;
    memset(&s, 0, sizeof(s));
    path = write_archive(dir, &ok, &bad);
    assert_int_equal(ic_warc_read(path, record, &s), 0);
    assert_int_equal(s.n, 5);
    assert_string_equal(s.type[0], "warcinfo");
    assert_non_null(strstr(s.block[0], "format: WARC File Format 1.1\r\n"));
    assert_non_null(strstr(s.block[0], "software: isrcert 0.1.0\r\n"));

    /* request + response, linked both ways */
    assert_string_equal(s.type[1], "request");
    assert_string_equal(s.id[1], ok.request_id);
    assert_string_equal(s.concurrent[1], ok.response_id);
    assert_string_equal(s.type[2], "response");
    assert_string_equal(s.id[2], ok.response_id);
    assert_string_equal(s.concurrent[2], ok.request_id);
    assert_string_equal(s.target[1],
                        "http://127.0.0.1:8080/wms?REQUEST=GetMap");
    assert_string_equal(s.test[1], "getmap[0]");
    assert_string_equal(s.test[2], "getmap[0]");
    assert_int_equal(strncmp(ok.request_id, "<urn:uuid:", 10), 0);
    assert_int_equal(strlen(ok.request_id), 47);
    assert_int_equal(ok.request_id[24], '4'); /* version 4 */
    assert_string_equal(ok.metadata_id, "");

    /* exact bytes: request block, and response header + body */
    fill_ok(&r);
    assert_int_equal(s.block_len[1], r.request_len);
    assert_memory_equal(s.block[1], r.request_raw, r.request_len);
    assert_int_equal(s.block_len[2], r.header_len + r.body_len);
    assert_memory_equal(s.block[2], r.header_raw, r.header_len);
    assert_memory_equal(s.block[2] + r.header_len, r.body, r.body_len);
    for (int i = 0; i < s.n; i++)
        assert_int_equal(s.digest_ok[i], 1);

    /* the reference's digest is the response record's block digest */
    ic_sha256_hex(hex, s.block[2], s.block_len[2]);
    snprintf(want, sizeof(want), "sha256:%s", hex);
    assert_string_equal(ok.sha256, want);
    assert_int_equal(ic_file_read(&text, &len, path), 0);
    ic_sha256_hex(hex, r.body, r.body_len);
    snprintf(want, sizeof(want), "WARC-Payload-Digest: sha256:%s\r\n", hex);
    assert_non_null(strstr(text, want));
    assert_non_null(
        strstr(text, "Content-Type: application/http;msgtype=response\r\n"));
    assert_non_null(
        strstr(text, "Content-Type: application/http;msgtype=request\r\n"));
    assert_int_equal(strncmp(text, "WARC/1.1\r\n", 10), 0);
    assert_int_equal(memcmp(text + len - 4, "\r\n\r\n", 4), 0);
    /* the header injection attempt stays inside one field */
    assert_null(strstr(text, "\r\nInjected: 1"));

    /* transport failure: request + metadata record carrying the error */
    assert_string_equal(s.type[3], "request");
    assert_string_equal(s.type[4], "metadata");
    assert_string_equal(bad.response_id, "");
    assert_string_equal(bad.metadata_id, s.id[4]);
    assert_string_equal(s.concurrent[4], bad.request_id);
    assert_non_null(strstr(s.block[4], "transport-error: connection"));
    assert_null(strstr(s.block[4], "\r\nline two"));

    /* no temp file is left behind */
    free(text);
    text = xasprintf("%s.tmp.%ld", path, (long)getpid());
    assert_int_equal(access(text, F_OK), -1);
    free(text);
    ic_response_dispose(&r);
    seen_dispose(&s);
    free(path);
    test_rmrf(dir);
    free(dir);
}

static void
flip(const char *path, long long offset)
{
    FILE *f = fopen(path, "r+b");
    int c;

    assert_non_null(f);
    assert_int_equal(fseek(f, (long)offset, SEEK_SET), 0);
    c = fgetc(f);
    assert_int_equal(fseek(f, (long)offset, SEEK_SET), 0);
    fputc(c ^ 0x01, f);
    fclose(f);
}

static void
test_warc_flipped_byte_named(void **state)
{
    char *dir = test_tmpdir("test_warc"), *path, *text = NULL, *p;
    ic_warc_ref ok, bad;
    size_t len;
    seen s;

    (void)state;
    memset(&s, 0, sizeof(s));
    path = write_archive(dir, &ok, &bad);
    /* flip the last byte of the response body */
    assert_int_equal(ic_file_read(&text, &len, path), 0);
    p = strstr(text, "HTTP/1.1 200 OK");
    assert_non_null(p);
    p = strstr(p, "\r\n\r\n");
    flip(path, (long long)(p - text) + 4 + 7);
    assert_int_equal(ic_warc_read(path, record, &s), 0);
    assert_int_equal(s.n, 5);
    for (int i = 0; i < s.n; i++) {
        if (strcmp(s.id[i], ok.response_id) == 0)
            assert_int_equal(s.digest_ok[i], 0);
        else
            assert_int_equal(s.digest_ok[i], 1);
    }
    free(text);
    seen_dispose(&s);
    free(path);
    test_rmrf(dir);
    free(dir);
}

static void
test_warc_malformed_names_offset(void **state)
{
    char *dir = test_tmpdir("test_warc"), *path, *text = NULL, *p;
    ic_warc_ref ok, bad;
    size_t len;
    seen s;
    int rc;

    (void)state;
    memset(&s, 0, sizeof(s));
    path = write_archive(dir, &ok, &bad);
    assert_int_equal(ic_file_read(&text, &len, path), 0);
    /* Content-Length of the second record made wrong */
    p = strstr(strstr(text, "WARC-Type: request"), "Content-Length: ");
    assert_non_null(p);
    flip(path, (long long)(p - text) + 16);
    rc = ic_warc_read(path, record, &s);
    assert_int_equal(rc, IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "offset "));
    assert_non_null(strstr(ic_error_last(), ok.request_id));
    seen_dispose(&s);

    /* truncated archive */
    memset(&s, 0, sizeof(s));
    assert_int_equal(ic_file_write_atomic(path, text, len - 3, 0644), 0);
    assert_int_equal(ic_warc_read(path, record, &s), IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "offset "));
    seen_dispose(&s);

    /* not a WARC at all */
    memset(&s, 0, sizeof(s));
    assert_int_equal(ic_file_write_atomic(path, "hello\r\n\r\n", 9, 0644), 0);
    assert_int_equal(ic_warc_read(path, record, &s), IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "offset 0"));
    free(text);
    seen_dispose(&s);
    free(path);
    test_rmrf(dir);
    free(dir);
}

static void
test_warc_free_discards(void **state)
{
    char *dir = test_tmpdir("test_warc"),
         *path = ic_path_join(dir, "evidence.warc"), *tmp;
    ic_warc *w = NULL;

    (void)state;
    assert_int_equal(ic_warc_open(&w, path, "isrcert"), 0);
    tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    assert_int_equal(access(tmp, F_OK), 0);
    assert_int_equal(access(path, F_OK), -1);
    ic_warc_free(w);
    ic_warc_free(NULL);
    assert_int_equal(access(tmp, F_OK), -1);
    assert_int_equal(access(path, F_OK), -1);
    free(tmp);
    free(path);
    test_rmrf(dir);
    free(dir);
}

static int
stop_at_second(const ic_warc_record *rec, void *ctx)
{
    int *n = ctx;

    (void)rec;
    return ++*n == 2 ? 7 : 0;
}

static void
test_warc_callback_stops(void **state)
{
    char *dir = test_tmpdir("test_warc"), *path;
    ic_warc_ref ok, bad;
    int n = 0;

    (void)state;
    path = write_archive(dir, &ok, &bad);
    assert_int_equal(ic_warc_read(path, stop_at_second, &n), 7);
    assert_int_equal(n, 2);
    free(path);
    test_rmrf(dir);
    free(dir);
}

static int
count_records(const ic_warc_record *rec, void *ctx)
{
    int *n = ctx;

    assert_true(rec->block_len == 0 || rec->block != NULL);
    ++*n;
    return 0;
}

/* ic_warc_read_buffer reads what ic_warc_read reads, and every truncation
 * of an archive (in an exact-size copy, so ASan sees any read past the end)
 * is either fewer whole records (cut at a record boundary: the evidence
 * references catch those) or IC_EINPUT naming an offset. */
static void
test_warc_read_buffer_truncated(void **state)
{
    char *dir = test_tmpdir("test_warc"), *path, *data = NULL;
    size_t len = 0;
    ic_warc_ref ok, bad;
    int n = 0;

    (void)state;
    path = write_archive(dir, &ok, &bad);
    assert_int_equal(ic_file_read(&data, &len, path), 0);
    assert_int_equal(ic_warc_read_buffer(path, data, len, count_records, &n),
                     0);
    assert_int_equal(n, 5);
    for (size_t cut = 0; cut < len; cut++) {
        char *copy = xmalloc(cut ? cut : 1);
        int rc;

        memcpy(copy, data, cut);
        n = 0;
        rc = ic_warc_read_buffer("cut.warc", copy, cut, count_records, &n);
        free(copy);
        if (rc == 0) {
            assert_true(n > 0 && n < 5);
            continue;
        }
        assert_int_equal(rc, IC_EINPUT);
        assert_non_null(strstr(ic_error_last(), "offset "));
    }
    free(data);
    free(path);
    test_rmrf(dir);
    free(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_warc_round_trip),
        cmocka_unit_test(test_warc_flipped_byte_named),
        cmocka_unit_test(test_warc_malformed_names_offset),
        cmocka_unit_test(test_warc_free_discards),
        cmocka_unit_test(test_warc_callback_stops),
        cmocka_unit_test(test_warc_read_buffer_truncated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
