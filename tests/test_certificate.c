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

#include <jansson.h>

#include "base64.h"
#include "certificate.h"
#include "dsse.h"
#include "error.h"
#include "keys.h"
#include "response.h"
#include "util.h"
#include "testutil.h"
#include "warc.h"

/* One fake run: keys, a run directory and what the evidence holds. */
typedef struct fixture {
    char *root; /* temp folder holding everything */
    char *dir;  /* run directory */
    char *key;  /* Ed25519 private key */
    char *pub;
    char *p256key; /* P-256 private key */
    char *p256pub;
    char *cert;
    char keyid[IC_KEYID_LEN + 1];
    ic_warc_ref ok, down;
    char *out; /* last verification transcript */
} fixture;

static void
write_file(const char *dir, const char *name, const char *text)
{
    char *path = ic_path_join(dir, name);

    assert_int_equal(ic_file_write_atomic(path, text, strlen(text), 0644), 0);
    free(path);
}

static void
write_evidence(fixture *f)
{
    char *path = ic_path_join(f->dir, "evidence.warc");
    ic_warc *w = NULL;
    ic_response r;

    assert_int_equal(ic_warc_open(&w, path, "isrcert 0.1.0"), 0);
    ic_response_init(&r);
    r.method = xstrdup("GET");
    r.url = xstrdup("http://127.0.0.1:8080/wms?REQUEST=GetCapabilities");
    r.request_raw = xstrdup("GET /wms?REQUEST=GetCapabilities HTTP/1.1\r\n"
                            "Host: 127.0.0.1:8080\r\n\r\n");
    r.request_len = strlen(r.request_raw);
    r.header_raw = xstrdup("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n");
    r.header_len = strlen(r.header_raw);
    r.body = (unsigned char *)xstrdup("<WMS_Capabilities version=\"1.3.0\"/>");
    r.body_len = strlen((char *)r.body);
    r.status = 200;
    assert_int_equal(ic_warc_write_exchange(w, "capabilities", &r, &f->ok), 0);
    ic_response_dispose(&r);
    ic_response_init(&r);
    r.url = xstrdup("http://127.0.0.1:9/down");
    r.request_raw = xstrdup("GET /down HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n");
    r.request_len = strlen(r.request_raw);
    r.transport_error = xstrdup("connection refused");
    assert_int_equal(ic_warc_write_exchange(w, "down", &r, &f->down), 0);
    ic_response_dispose(&r);
    assert_int_equal(ic_warc_close(w), 0);
    ic_warc_free(w);
    free(path);
}

/* report.json as docs/formats.md describes it. The first result names the
 * records without angle brackets, the second as the writer returned them. */
static void
write_report(fixture *f)
{
    char req[64], resp[64];
    json_t *r;
    char *text;

    snprintf(req, sizeof(req), "%.*s", (int)strlen(f->ok.request_id) - 2,
             f->ok.request_id + 1);
    snprintf(resp, sizeof(resp), "%.*s", (int)strlen(f->ok.response_id) - 2,
             f->ok.response_id + 1);
    r = json_pack(
        "{s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s},"
        " s:[{s:s, s:s, s:s}], s:[], s:{s:{s:s, s:s, s:s, s:s}, s:{s:s},"
        " s:s}, s:s, s:s,"
        " s:[{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:[{s:s, s:s, s:s}]},"
        "    {s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:[{s:s, s:s, s:s}]}],"
        " s:[{s:s, s:s, s:b, s:{s:i, s:i}, s:s}],"
        " s:{s:{s:i, s:i}, s:s, s:i}}",
        "format", "isrcert-report/1", "runner", "name", "isrcert", "version",
        "0.1.0", "profile", "id", "ogc-wms-1.3.0-basic", "version", "1.0.0",
        "title", "WMS basic", "sha256", "ab12", "path", "profiles/x.json",
        "suites", "id", "ogc-wms-1.3.0", "version", "1.0.0", "sha256", "cd34",
        "schemas", "target", "system", "name", "Demo WMS", "vendor", "ACME",
        "version", "8.0", "nation", "NLD", "endpoints", "wms",
        "http://127.0.0.1:8080/wms", "sha256", "ef56", "started",
        "2026-11-27T10:00:00.000Z", "finished", "2026-11-27T10:00:03.120Z",
        "results", "suite", "ogc-wms-1.3.0", "test", "capabilities", "instance",
        "capabilities", "class", "basic", "outcome", "passed", "mandatory", 1,
        "message", "", "evidence", "request", req, "response", resp, "sha256",
        f->ok.sha256 + 7, "suite", "ogc-wms-1.3.0", "test", "down", "instance",
        "down", "class", "basic", "outcome", "cantTell", "mandatory", 1,
        "message", "connection refused", "evidence", "request",
        f->down.request_id, "response", "", "sha256", f->down.sha256, "classes",
        "suite", "ogc-wms-1.3.0", "class", "basic", "mandatory", 1, "counts",
        "passed", 1, "cantTell", 1, "verdict", "cantTell", "summary", "counts",
        "passed", 1, "cantTell", 1, "verdict", "cantTell", "requests", 2);
    assert_non_null(r);
    text = json_dumps(r, JSON_INDENT(2));
    write_file(f->dir, "report.json", text);
    free(text);
    json_decref(r);
}

static void
make_run(fixture *f)
{
    assert_int_equal(mkdir(f->dir, 0755), 0);
    write_evidence(f);
    write_report(f);
    write_file(f->dir, "junit.xml",
               "<?xml version=\"1.0\"?>\n<testsuites><testsuite name=\"basic\">"
               "<testcase name=\"capabilities\"/></testsuite></testsuites>\n");
}

static int
setup(void **state)
{
    fixture *f = xcalloc(1, sizeof(*f));
    char *prefix;

    f->root = xstrdup("/tmp/test_certificate.XXXXXX");
    assert_non_null(mkdtemp(f->root));
    prefix = ic_path_join(f->root, "centre");
    assert_int_equal(ic_key_write_pair(prefix, IC_KEY_ED25519, f->keyid), 0);
    f->key = xasprintf("%s.key", prefix);
    f->pub = xasprintf("%s.pub", prefix);
    free(prefix);
    prefix = ic_path_join(f->root, "p256");
    assert_int_equal(ic_key_write_pair(prefix, IC_KEY_P256, NULL), 0);
    f->p256key = xasprintf("%s.key", prefix);
    f->p256pub = xasprintf("%s.pub", prefix);
    free(prefix);
    f->dir = ic_path_join(f->root, "run");
    f->cert = ic_path_join(f->dir, "certificate.dsse.json");
    make_run(f);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;

    test_rmrf(f->root);
    free(f->root);
    free(f->dir);
    free(f->key);
    free(f->pub);
    free(f->p256key);
    free(f->p256pub);
    free(f->cert);
    free(f->out);
    free(f);
    return 0;
}

/* Verify with the Ed25519 public key (or a trust list); keeps the
 * transcript in f->out. */
static int
verify(fixture *f, const char *pub, const char *trust)
{
    ic_verify_opts o;
    size_t len = 0;
    FILE *mem;
    int rc;

    memset(&o, 0, sizeof(o));
    o.path = f->dir;
    o.pubkey = pub;
    o.trust = trust;
    free(f->out);
    f->out = NULL;
    mem = open_memstream(&f->out, &len);
    assert_non_null(mem);
    rc = ic_certificate_verify(&o, mem);
    fclose(mem);
    return rc;
}

static void
expect_out(fixture *f, const char *text)
{
    if (!strstr(f->out, text))
        fail_msg("missing \"%s\" in:\n%s", text, f->out);
}

static void
sign_ok(fixture *f)
{
    assert_int_equal(ic_certificate_sign(f->dir, f->key, "NLD test centre"), 0);
    assert_int_equal(verify(f, f->pub, NULL), 0);
    expect_out(f, "VERIFIED");
}

/* Flip one bit of the byte at the n-th byte after the first occurrence of
 * marker in the file (marker NULL: offset from the start). */
static void
flip_in(fixture *f, const char *name, const char *marker, size_t n)
{
    char *path = ic_path_join(f->dir, name), *text = NULL, *p;
    size_t len = 0;

    assert_int_equal(ic_file_read(&text, &len, path), 0);
    p = marker ? strstr(text, marker) : text;
    assert_non_null(p);
    p += n;
    assert_true((size_t)(p - text) < len);
    *p ^= 0x01;
    assert_int_equal(ic_file_write_atomic(path, text, len, 0644), 0);
    free(text);
    free(path);
}

static json_t *
load_statement(fixture *f, ic_dsse_envelope *e)
{
    char *text = NULL;
    size_t len = 0;
    json_t *st;

    assert_int_equal(ic_file_read(&text, &len, f->cert), 0);
    assert_int_equal(ic_dsse_envelope_decode(e, text, len, f->cert), 0);
    free(text);
    st = json_loadb((char *)e->payload, e->payload_len, 0, NULL);
    assert_non_null(st);
    return st;
}

static void
test_certificate_sign_verify(void **state)
{
    fixture *f = *state;
    ic_dsse_envelope e;
    json_t *st, *pred, *subj;
    struct stat sb;

    write_file(f->dir, "report.json.tmp.999", "half written");
    sign_ok(f);
    expect_out(f, "ok      signature: ed25519 key ");
    expect_out(f, f->keyid);
    expect_out(f, "ok      subjects: 3 of 3 files match");
    expect_out(f, "ok      evidence.warc: 5 records, 5 with a matching");
    expect_out(f, "ok      evidence references: 2 of 2 resolve");
    expect_out(f, "verdict: cantTell");
    assert_int_equal(stat(f->cert, &sb), 0);

    st = load_statement(f, &e);
    assert_string_equal(e.payload_type, "application/vnd.in-toto+json");
    assert_string_equal(e.sigs[0].keyid, f->keyid);
    assert_string_equal(json_string_value(json_object_get(st, "_type")),
                        "https://in-toto.io/Statement/v1");
    assert_string_equal(json_string_value(json_object_get(st, "predicateType")),
                        "https://isrcert.dev/certification/v1");
    subj = json_object_get(st, "subject");
    assert_int_equal(json_array_size(subj), 3);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(subj, 0), "name")),
        "evidence.warc");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(subj, 2), "name")),
        "report.json");
    pred = json_object_get(st, "predicate");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(pred, "profile"), "id")),
                        "ogc-wms-1.3.0-basic");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(pred, "testCentre"), "name")),
                        "NLD test centre");
    assert_string_equal(json_string_value(json_object_get(pred, "verdict")),
                        "cantTell");
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_object_get(pred, "target"), "system"),
            "nation")),
        "NLD");
    json_decref(st);
    ic_dsse_envelope_dispose(&e);

    /* a file added after signing is noted, not a failure */
    write_file(f->dir, "notes.txt", "added later");
    assert_int_equal(verify(f, f->pub, NULL), 0);
    expect_out(f, "note    notes.txt is not covered");
}

static void
test_certificate_p256(void **state)
{
    fixture *f = *state;

    assert_int_equal(ic_certificate_sign(f->dir, f->p256key, NULL), 0);
    assert_int_equal(verify(f, f->p256pub, NULL), 0);
    expect_out(f, "ok      signature: p256 key ");
    expect_out(f, "test centre: (not named)");
    /* the other key does not verify it */
    assert_int_equal(verify(f, f->pub, NULL), 1);
    expect_out(f, "FAILED  signature");
    expect_out(f, "NOT VERIFIED");
}

static void
test_certificate_tamper_report(void **state)
{
    fixture *f = *state;

    sign_ok(f);
    flip_in(f, "report.json", "Demo WMS", 0);
    assert_int_equal(verify(f, f->pub, NULL), 1);
    expect_out(f, "FAILED  subject report.json: file changed");
    expect_out(f, "NOT VERIFIED");
}

static void
test_certificate_tamper_junit(void **state)
{
    fixture *f = *state;

    sign_ok(f);
    flip_in(f, "junit.xml", "capabilities", 1);
    assert_int_equal(verify(f, f->pub, NULL), 1);
    expect_out(f, "FAILED  subject junit.xml: file changed");
    assert_null(strstr(f->out, "FAILED  subject report.json"));
}

static void
test_certificate_tamper_evidence_body(void **state)
{
    fixture *f = *state;

    sign_ok(f);
    flip_in(f, "evidence.warc", "<WMS_Capabilities", 5);
    assert_int_equal(verify(f, f->pub, NULL), 1);
    expect_out(f, "FAILED  subject evidence.warc: file changed");
    expect_out(f, "FAILED  evidence.warc: response record ");
    expect_out(f, f->ok.response_id);
    expect_out(f, "test capabilities: block changed");
    expect_out(f, "FAILED  result ogc-wms-1.3.0/capabilities evidence[0]");
}

static void
test_certificate_tamper_evidence_header(void **state)
{
    fixture *f = *state;
    char marker[96];

    sign_ok(f);
    /* one hex digit of the response record's id */
    snprintf(marker, sizeof(marker), "WARC-Record-ID: %s", f->ok.response_id);
    flip_in(f, "evidence.warc", marker, strlen(marker) - 2);
    assert_int_equal(verify(f, f->pub, NULL), 1);
    expect_out(f, "FAILED  subject evidence.warc: file changed");
    expect_out(f, "FAILED  result ogc-wms-1.3.0/capabilities evidence[0]: "
                  "response record");
    expect_out(f, "not in evidence.warc");
}

static void
test_certificate_tamper_evidence_link(void **state)
{
    fixture *f = *state;
    char marker[96];

    sign_ok(f);
    /* the request record's link to its response */
    snprintf(marker, sizeof(marker), "WARC-Concurrent-To: %s",
             f->ok.response_id);
    flip_in(f, "evidence.warc", marker, strlen(marker) - 2);
    assert_int_equal(verify(f, f->pub, NULL), 1);
    expect_out(f, "FAILED  subject evidence.warc: file changed");
    expect_out(f, "FAILED  result ogc-wms-1.3.0/capabilities evidence[0]: "
                  "records ");
    expect_out(f, "are not linked by WARC-Concurrent-To");
}

static void
test_certificate_tamper_evidence_digest_field(void **state)
{
    fixture *f = *state;
    char marker[96];

    sign_ok(f);
    /* the metadata record's block digest is what the report refers to */
    snprintf(marker, sizeof(marker), "WARC-Block-Digest: %s", f->down.sha256);
    flip_in(f, "evidence.warc", marker, strlen(marker) - 1);
    assert_int_equal(verify(f, f->pub, NULL), 1);
    expect_out(f, "FAILED  evidence.warc: metadata record ");
    expect_out(f, "FAILED  result ogc-wms-1.3.0/down evidence[0]");
}

/* Change one base64 character of a JSON string value of the envelope. */
static void
flip_base64(fixture *f, const char *key)
{
    char *text = NULL, *p, marker[32];
    size_t len = 0;

    assert_int_equal(ic_file_read(&text, &len, f->cert), 0);
    snprintf(marker, sizeof(marker), "\"%s\": \"", key);
    p = strstr(text, marker);
    assert_non_null(p);
    p += strlen(marker) + 10;
    *p = *p == 'A' ? 'B' : 'A';
    assert_int_equal(ic_file_write_atomic(f->cert, text, len, 0644), 0);
    free(text);
}

static void
test_certificate_tamper_payload(void **state)
{
    fixture *f = *state;

    sign_ok(f);
    flip_base64(f, "payload");
    assert_int_equal(verify(f, f->pub, NULL), 1);
    expect_out(f, "FAILED  signature: does not verify");
    expect_out(f, "not checked: the statement is not authentic");
    expect_out(f, "NOT VERIFIED");
}

static void
test_certificate_tamper_signature(void **state)
{
    fixture *f = *state;

    sign_ok(f);
    flip_base64(f, "sig");
    assert_int_equal(verify(f, f->pub, NULL), 1);
    expect_out(f, "FAILED  signature: does not verify");
}

/* A report edited, its new digest put into the statement, but the envelope
 * not signed again. */
static void
test_certificate_rehashed_not_resigned(void **state)
{
    fixture *f = *state;
    char hex[IC_SHA256_HEX_LEN + 1], *path, *payload, *text;
    ic_dsse_envelope e;
    json_t *st, *s;
    size_t i;

    sign_ok(f);
    flip_in(f, "report.json", "\"passed\"", 1);
    path = ic_path_join(f->dir, "report.json");
    assert_int_equal(ic_sha256_file_hex(hex, path), 0);
    free(path);
    st = load_statement(f, &e);
    json_array_foreach (json_object_get(st, "subject"), i, s) {
        if (strcmp(json_string_value(json_object_get(s, "name")),
                   "report.json") == 0)
            json_object_set_new(json_object_get(s, "digest"), "sha256",
                                json_string(hex));
    }
    payload = json_dumps(st, JSON_COMPACT | JSON_SORT_KEYS);
    free(e.payload);
    e.payload = (unsigned char *)payload;
    e.payload_len = strlen(payload);
    text = ic_dsse_envelope_encode(&e);
    assert_int_equal(ic_file_write_atomic(f->cert, text, strlen(text), 0644),
                     0);
    free(text);
    json_decref(st);
    ic_dsse_envelope_dispose(&e);
    assert_int_equal(verify(f, f->pub, NULL), 1);
    expect_out(f, "FAILED  signature: does not verify");
}

static char *
trust_list(fixture *f, const char *owner, const char *revoked)
{
    char *pem = NULL, *path = ic_path_join(f->root, "trust.json"), *text;
    size_t len;
    json_t *k, *root;

    assert_int_equal(ic_file_read(&pem, &len, f->pub), 0);
    k = json_pack("{s:s, s:s, s:s, s:s, s:s}", "keyid", f->keyid, "pem", pem,
                  "owner", owner, "valid_from", "2000-01-01T00:00:00Z",
                  "valid_until", "2999-01-01T00:00:00Z");
    if (revoked)
        json_object_set_new(k, "revoked_at", json_string(revoked));
    root = json_pack("{s:s, s:[o]}", "format", "isrcert-trust/1", "keys", k);
    text = json_dumps(root, JSON_INDENT(2));
    json_decref(root);
    write_file(f->root, "trust.json", text);
    free(text);
    free(pem);
    return path;
}

static void
test_certificate_trust_list(void **state)
{
    fixture *f = *state;
    char *list;

    sign_ok(f);
    list = trust_list(f, "NLD test centre", NULL);
    assert_int_equal(verify(f, NULL, list), 0);
    expect_out(f, "of \"NLD test centre\" (trust list");
    free(list);

    list = trust_list(f, "NLD test centre", "2001-01-01T00:00:00Z");
    assert_int_equal(verify(f, NULL, list), 1);
    expect_out(f, "was revoked at 2001-01-01T00:00:00Z");
    free(list);

    /* revocation scheduled for later does not reject it yet */
    list = trust_list(f, "NLD test centre", "2998-01-01T00:00:00Z");
    assert_int_equal(verify(f, NULL, list), 0);
    free(list);

    /* the key belongs to another centre than the certificate claims */
    list = trust_list(f, "DEU test centre", NULL);
    assert_int_equal(verify(f, NULL, list), 1);
    expect_out(f, "names \"NLD test centre\" but the key belongs to \"DEU");
    free(list);

    /* signed by a key that is not in the list */
    assert_int_equal(ic_certificate_sign(f->dir, f->p256key, NULL), 0);
    list = trust_list(f, "NLD test centre", NULL);
    assert_int_equal(verify(f, NULL, list), 1);
    expect_out(f, "is not in the trust list");
    free(list);
}

static void
test_certificate_bad_input(void **state)
{
    fixture *f = *state;
    ic_verify_opts o;

    memset(&o, 0, sizeof(o));
    o.path = f->dir;
    o.pubkey = f->pub;
    /* no certificate yet */
    assert_int_equal(ic_certificate_verify(&o, stderr), IC_EINPUT);
    o.trust = f->pub;
    assert_int_equal(ic_certificate_verify(&o, stderr), IC_EINPUT);
    o.trust = NULL;
    o.replay = 1;
    assert_int_equal(ic_certificate_verify(&o, stderr), IC_EINPUT);

    /* not a key */
    assert_int_equal(ic_certificate_sign(f->dir, f->pub, NULL), IC_EINPUT);
    /* a malformed report names the file and the JSON path */
    write_file(f->dir, "report.json", "{\"format\": \"isrcert-report/1\"}");
    assert_int_equal(ic_certificate_sign(f->dir, f->key, NULL), IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "report.json: $.runner"));
    assert_int_equal(access(f->cert, F_OK), -1);
}

static void
test_certificate_sign_refuses_broken_evidence(void **state)
{
    fixture *f = *state;
    char marker[96];

    /* the report refers to a record the archive does not hold */
    snprintf(marker, sizeof(marker), "WARC-Record-ID: %s", f->ok.response_id);
    flip_in(f, "evidence.warc", marker, strlen(marker) - 2);
    assert_int_equal(ic_certificate_sign(f->dir, f->key, NULL), IC_ERUNTIME);
    assert_non_null(strstr(ic_error_last(), "does not verify"));
    assert_non_null(strstr(ic_error_last(), "not in evidence.warc"));
    assert_int_equal(access(f->cert, F_OK), -1);
}

static int
fake_replay(const char *dir, FILE *out, void *ctx)
{
    int *result = ctx;

    assert_non_null(strstr(dir, "/run"));
    if (*result)
        fprintf(out, "FAILED  replay capabilities: passed -> failed\n");
    return *result;
}

static void
test_certificate_replay_hook(void **state)
{
    fixture *f = *state;
    ic_verify_opts o;
    int result = 0;
    FILE *mem;
    size_t len;

    sign_ok(f);
    memset(&o, 0, sizeof(o));
    o.path = f->cert;
    o.pubkey = f->pub;
    o.replay = 1;
    o.replay_fn = fake_replay;
    o.replay_ctx = &result;
    free(f->out);
    mem = open_memstream(&f->out, &len);
    assert_int_equal(ic_certificate_verify(&o, mem), 0);
    fclose(mem);
    expect_out(f, "ok      replay");
    result = 1;
    free(f->out);
    mem = open_memstream(&f->out, &len);
    assert_int_equal(ic_certificate_verify(&o, mem), 1);
    fclose(mem);
    expect_out(f, "FAILED  replay capabilities: passed -> failed");
    expect_out(f, "NOT VERIFIED");
}

static void
test_certificate_export(void **state)
{
    fixture *f = *state;
    char *pae_path = ic_path_join(f->root, "pae.bin");
    char *sig_path = ic_path_join(f->root, "sig.bin");
    char *pae = NULL, *sig = NULL, *head;
    size_t pae_len = 0, sig_len = 0;
    ic_dsse_envelope e;
    EVP_PKEY *pub = NULL;
    json_t *st;

    sign_ok(f);
    assert_int_equal(ic_certificate_export(f->dir, pae_path, sig_path), 0);
    assert_int_equal(ic_file_read(&pae, &pae_len, pae_path), 0);
    assert_int_equal(ic_file_read(&sig, &sig_len, sig_path), 0);
    st = load_statement(f, &e);
    head =
        xasprintf("DSSEv1 28 application/vnd.in-toto+json %zu ", e.payload_len);
    assert_int_equal(pae_len, strlen(head) + e.payload_len);
    assert_memory_equal(pae, head, strlen(head));
    assert_memory_equal(pae + strlen(head), e.payload, e.payload_len);
    assert_int_equal(ic_key_load_public(&pub, f->pub), 0);
    assert_int_equal(
        ic_dsse_verify_bytes(pub, pae, pae_len, (unsigned char *)sig, sig_len),
        0);
    EVP_PKEY_free(pub);
    json_decref(st);
    ic_dsse_envelope_dispose(&e);
    free(head);
    free(pae);
    free(sig);
    free(pae_path);
    free(sig_path);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_certificate_sign_verify),
        T(test_certificate_p256),
        T(test_certificate_tamper_report),
        T(test_certificate_tamper_junit),
        T(test_certificate_tamper_evidence_body),
        T(test_certificate_tamper_evidence_header),
        T(test_certificate_tamper_evidence_link),
        T(test_certificate_tamper_evidence_digest_field),
        T(test_certificate_tamper_payload),
        T(test_certificate_tamper_signature),
        T(test_certificate_rehashed_not_resigned),
        T(test_certificate_trust_list),
        T(test_certificate_bad_input),
        T(test_certificate_sign_refuses_broken_evidence),
        T(test_certificate_replay_hook),
        T(test_certificate_export),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
