/*
 * Data-driven end-to-end cases (tests/cases, one JSON file each; see
 * tests/cases/FILEFORMAT.md):
 * a canned HTTP server on 127.0.0.1, a one-test suite, the real engine.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "error.h"
#include "jsonfile.h"
#include "cli.h"
#include "run.h"
#include "rundir.h"
#include "util.h"

typedef struct canned {
    const json_t *reply;
    unsigned char *body;
    size_t body_len;
} canned;

static ssize_t
endless(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls;
    (void)pos;
    memset(buf, 'x', max);
    return (ssize_t)max;
}

static enum MHD_Result
add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    ic_buf *q = cls;

    (void)kind;
    ic_buf_appendf(q, "%s%s=%s", q->len ? "&" : "", key, value ? value : "");
    return MHD_YES;
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version, const char *upload,
       size_t *upload_size, void **state)
{
    canned *c = cls;
    const char *behaviour =
        json_string_value(json_object_get(c->reply, "behaviour"));
    json_int_t delay =
        json_integer_value(json_object_get(c->reply, "delay_ms"));
    json_int_t status = json_integer_value(json_object_get(c->reply, "status"));
    struct MHD_Response *resp;
    const char *key;
    json_t *v;
    enum MHD_Result rc;

    (void)url;
    (void)method;
    (void)version;
    (void)upload;
    if (*state == NULL) {
        *state = c;
        return MHD_YES;
    }
    *upload_size = 0;
    if (behaviour && strcmp(behaviour, "reset") == 0)
        return MHD_NO;
    if (delay > 0)
        usleep((useconds_t)delay * 1000);
    if (behaviour && strcmp(behaviour, "echo_query") == 0) {
        /* the query string back, beside a fixed list of ids */
        ic_buf q;
        json_t *j;

        ic_buf_init(&q, 0);
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, &q);
        j = json_pack("{s:s, s:[s,s,s]}", "query", q.data ? q.data : "", "ids",
                      "a", "b", "c");
        ic_buf_dispose(&q);
        char *body = json_dumps(j, JSON_COMPACT);

        json_decref(j);
        resp = MHD_create_response_from_buffer(strlen(body), body,
                                               MHD_RESPMEM_MUST_FREE);
        rc = MHD_queue_response(conn, 200, resp);
        MHD_destroy_response(resp);
        return rc;
    }
    if (behaviour && strcmp(behaviour, "echo") == 0) {
        /* a careless server: reflects the credential in body and headers */
        const char *cred =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
        char *body = xasprintf("<echo auth=\"%s\"/>", cred ? cred : "");

        resp = MHD_create_response_from_buffer(strlen(body), body,
                                               MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(resp, "X-Echo", cred ? cred : "");
        MHD_add_response_header(resp, "Set-Cookie", "session=abc123");
        rc = MHD_queue_response(conn, 200, resp);
        MHD_destroy_response(resp);
        return rc;
    }
    if (behaviour && strcmp(behaviour, "endless") == 0)
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 65536,
                                                 endless, NULL, NULL);
    else
        resp = MHD_create_response_from_buffer(c->body_len, c->body,
                                               MHD_RESPMEM_PERSISTENT);
    json_object_foreach (json_object_get(c->reply, "headers"), key, v) {
        MHD_add_response_header(resp, key, json_string_value(v));
    }
    rc = MHD_queue_response(conn, status ? (unsigned)status : 200, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* PEM text of what write wrote into a memory BIO; allocated. */
static char *
bio_text(int (*write)(BIO *, void *), void *obj)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data, *text;
    long n;

    assert_non_null(b);
    assert_int_equal(write(b, obj), 1);
    n = BIO_get_mem_data(b, &data);
    text = xstrndup(data, (size_t)n);
    BIO_free(b);
    return text;
}

static int
write_key(BIO *b, void *key)
{
    return PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL);
}

static int
write_cert(BIO *b, void *cert)
{
    return PEM_write_bio_X509(b, cert);
}

static void
add_ext(X509 *cert, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;

    X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    assert_non_null(ext);
    assert_int_equal(X509_add_ext(cert, ext, -1), 1);
    X509_EXTENSION_free(ext);
}

/* A fresh P-256 key and a self-signed certificate for 127.0.0.1, valid for
 * an hour: the HTTPS server's key pair and, written to cert_path, the CA
 * file a case may hand to the run. */
static void
make_tls_pair(char **key_pem, char **cert_pem, const char *cert_path)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *cert = X509_new();
    X509_NAME *name;

    assert_non_null(key);
    assert_non_null(cert);
    assert_int_equal(X509_set_version(cert, 2), 1);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), (long)getpid());
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    assert_int_equal(X509_set_pubkey(cert, key), 1);
    name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               (const unsigned char *)"127.0.0.1", -1, -1, 0);
    assert_int_equal(X509_set_issuer_name(cert, name), 1);
    add_ext(cert, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert, NID_subject_alt_name, "IP:127.0.0.1");
    add_ext(cert, NID_subject_key_identifier, "hash");
    assert_true(X509_sign(cert, key, EVP_sha256()) > 0);
    *key_pem = bio_text(write_key, key);
    *cert_pem = bio_text(write_cert, cert);
    assert_int_equal(
        ic_file_write_atomic(cert_path, *cert_pem, strlen(*cert_pem), 0644), 0);
    X509_free(cert);
    EVP_PKEY_free(key);
}

/* No file of the run directory may contain text. */
static void
assert_absent(const char *dir, const char *text, const char *casefile)
{
    static const char *const files[] = {"report.json", "junit.xml",
                                        "evidence.warc", "report.html",
                                        "earl.jsonld"};

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *p = ic_path_join(dir, files[i]), *data = NULL;
        size_t len = 0;

        assert_int_equal(ic_file_read(&data, &len, p), 0);
        if (memmem(data, len, text, strlen(text)))
            fail_msg("%s: \"%s\" appears in %s", casefile, text, p);
        free(data);
        free(p);
    }
}

static void
write_json(const char *path, json_t *j)
{
    assert_int_equal(json_dump_file(j, path, JSON_INDENT(1)), 0);
}

static void
run_case(void **state)
{
    const char *path = *state;
    json_t *c = NULL, *reply, *test, *suite, *expect, *run, *report = NULL;
    json_t *res, *tmp, *v;
    canned can = {0};
    struct MHD_Daemon *d = NULL;
    char dir[] = "/tmp/isrcert-case-XXXXXX";
    char *url, *p, *ca_path = NULL, *key_pem = NULL, *cert_pem = NULL;
    const char *behaviour, *q;
    unsigned short port = 1;
    ic_run_opts o;
    int rc, tls;

    assert_int_equal(ic_json_load_file(&c, path), 0);
    reply = json_object_get(c, "reply");
    behaviour = json_string_value(json_object_get(reply, "behaviour"));
    tls = json_is_true(json_object_get(reply, "tls"));
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        fprintf(stderr, "%s: skipped: libmicrohttpd has no TLS support\n",
                path);
        json_decref(c);
        skip();
    }
    assert_non_null(mkdtemp(dir));
    if (tls) {
        ca_path = ic_path_join(dir, "server-ca.pem");
        make_tls_pair(&key_pem, &cert_pem, ca_path);
    }
    can.reply = reply;
    if (json_object_get(reply, "body_b64")) {
        const char *b64 = json_string_value(json_object_get(reply, "body_b64"));
        can.body = xmalloc(strlen(b64));
        int n = EVP_DecodeBlock(can.body, (const unsigned char *)b64,
                                (int)strlen(b64));
        assert_true(n >= 0);
        can.body_len = (size_t)n;
        for (size_t k = strlen(b64); k > 0 && b64[k - 1] == '='; k--)
            can.body_len--;
    } else {
        const char *body = json_string_value(json_object_get(reply, "body"));
        json_int_t rep =
            json_integer_value(json_object_get(reply, "body_repeat"));
        ic_buf b;

        ic_buf_init(&b, 0);
        for (json_int_t i = 0; i < (rep ? rep : 1); i++)
            ic_buf_append(&b, body ? body : "", body ? strlen(body) : 0);
        can.body = (unsigned char *)ic_buf_take(&b, &can.body_len);
    }
    if (!behaviour || strcmp(behaviour, "refused") != 0) {
        unsigned flags =
            MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;

        if (tls)
            d = MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, answer,
                                 &can, MHD_OPTION_HTTPS_MEM_KEY, key_pem,
                                 MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
                                 MHD_OPTION_END);
        else
            d = MHD_start_daemon(flags, 0, NULL, NULL, answer, &can,
                                 MHD_OPTION_SOCK_ADDR, NULL, MHD_OPTION_END);
        assert_non_null(d);
        port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    }
    p = ic_path_join(dir, "suites");
    mkdir(p, 0755);
    free(p);
    p = ic_path_join(dir, "suites/case");
    mkdir(p, 0755);
    free(p);
    p = ic_path_join(dir, "profiles");
    mkdir(p, 0755);
    free(p);

    suite = json_deep_copy(json_object_get(c, "suite"));
    if (!suite)
        suite = json_object();
    tmp = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:s, "
                    "s:[{s:s, s:s}], s:[s]}",
                    "id", "case", "version", "1", "title", "case", "standard",
                    "document", "T", "title", "T", "endpoint", "e", "classes",
                    "id", "c", "title", "C", "files", "tests.json");
    json_object_update(suite, tmp);
    json_decref(tmp);
    /* the canned server under two origins, for absolute-URL requests */
    if (!json_object_get(suite, "parameters"))
        json_object_set_new(suite, "parameters", json_object());
    tmp = json_object_get(suite, "parameters");
    {
        char *a = xasprintf("http://127.0.0.1:%u", port);
        char *b = xasprintf("http://localhost:%u", port);

        json_object_set_new(tmp, "server", json_string(a));
        json_object_set_new(tmp, "server_alias", json_string(b));
        free(a);
        free(b);
    }
    p = ic_path_join(dir, "suites/case/suite.json");
    write_json(p, suite);
    free(p);
    /* "test": one test (id t), or "tests": several with their own ids */
    json_t *tests = json_object_get(c, "tests")
                        ? json_deep_copy(json_object_get(c, "tests"))
                        : json_pack("[O]", json_object_get(c, "test"));
    size_t ti;

    json_array_foreach (tests, ti, test) {
        if (!json_object_get(test, "id"))
            json_object_set_new(test, "id", json_string("t"));
        json_object_set_new(test, "class", json_string("c"));
        json_object_set_new(test, "title", json_string("case"));
        json_object_set_new(
            test, "requirement",
            json_pack("{s:s, s:s}", "document", "T", "clause", "1"));
    }
    tmp = json_pack("{s:o}", "tests", tests);
    p = ic_path_join(dir, "suites/case/tests.json");
    write_json(p, tmp);
    free(p);
    json_decref(tmp);
    tmp = json_pack("{s:s, s:s, s:s, s:[{s:s, s:{s:s}}]}", "id", "p", "version",
                    "1", "title", "P", "suites", "suite", "case", "classes",
                    "c", "mandatory");
    p = ic_path_join(dir, "profiles/p.json");
    write_json(p, tmp);
    free(p);
    json_decref(tmp);
    q = json_string_value(json_object_get(c, "endpoint_query"));
    url = xasprintf("%s://127.0.0.1:%u/x%s%s", tls ? "https" : "http", port,
                    q ? "?" : "", q ? q : "");
    tmp = json_pack("{s:{s:s}, s:{s:s}}", "system", "name", "case", "endpoints",
                    "e", url);
    if (json_object_get(c, "secrets"))
        json_object_set(tmp, "secrets", json_object_get(c, "secrets"));
    if (json_object_get(c, "auth")) {
        const json_t *auth = json_object_get(c, "auth");

        setenv("ISRCERT_CASE_TOKEN",
               json_string_value(json_object_get(auth, "value")), 1);
        json_object_set_new(tmp, "auth",
                            json_pack("{s:s}", "env", "ISRCERT_CASE_TOKEN"));
    }
    free(url);
    p = ic_path_join(dir, "target.json");
    run = json_object_get(c, "run");
    /* the server's certificate as the CA: true gives it as --ca-file,
     * "target" as the target's "tls": {"ca_file": ...} */
    v = json_object_get(run, "ca_file_from_server");
    if (json_is_string(v) && strcmp(json_string_value(v), "target") == 0)
        json_object_set_new(tmp, "tls", json_pack("{s:s}", "ca_file", ca_path));
    write_json(p, tmp);
    json_decref(tmp);

    memset(&o, 0, sizeof(o));
    ic_http_opts_default(&o.http);
    if (json_is_true(v))
        o.http.ca_file = ca_path;
    if (json_object_get(run, "timeout"))
        o.http.timeout_ms =
            json_integer_value(json_object_get(run, "timeout")) * 1000;
    char *catalog = NULL;
    if (json_object_get(run, "catalog")) {
        catalog =
            ic_path_join(getenv("srcdir") ? getenv("srcdir") : IC_SRCDIR,
                         json_string_value(json_object_get(run, "catalog")));
        o.catalog = catalog;
    }
    if (json_object_get(run, "max_body"))
        o.http.max_body =
            (size_t)json_integer_value(json_object_get(run, "max_body"));
    char *profile = ic_path_join(dir, "profiles/p.json");
    o.profile = profile;
    o.target = p;
    char *out = ic_path_join(dir, "run");
    rc = ic_rundir_write(&o, out, &report);
    if (rc < 0)
        fail_msg("%s: run failed: %s", path, ic_error_last());
    /* the expectation is about the last result (the last test) */
    res =
        json_array_get(json_object_get(report, "results"),
                       json_array_size(json_object_get(report, "results")) - 1);
    expect = json_object_get(c, "expect");
    const char *got = json_string_value(json_object_get(res, "outcome"));
    const char *msg = json_string_value(json_object_get(res, "message"));
    if (strcmp(got, json_string_value(json_object_get(expect, "outcome"))))
        fail_msg("%s: outcome %s (%s), expected %s", path, got, msg ? msg : "",
                 json_string_value(json_object_get(expect, "outcome")));
    for (const char *const *k =
             (const char *const[]){"message", "request", NULL};
         *k; k++) {
        const char *re = json_string_value(json_object_get(expect, *k));
        const char *val = json_string_value(json_object_get(res, *k));
        regex_t rx;

        if (!re)
            continue;
        assert_int_equal(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
        if (!val || regexec(&rx, val, 0, NULL, 0) != 0)
            fail_msg("%s: %s \"%s\" does not match /%s/", path, *k,
                     val ? val : "(none)", re);
        regfree(&rx);
    }
    if (json_object_get(expect, "absent"))
        assert_absent(out, json_string_value(json_object_get(expect, "absent")),
                      path);
    free(out);
    free(catalog);
    json_decref(report);
    free(profile);
    free(p);
    if (d)
        MHD_stop_daemon(d);
    free(can.body);
    free(ca_path);
    free(key_pem);
    free(cert_pem);
    json_decref(c);
    json_decref(suite);
    char *cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(cmd);
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

int
main(void)
{
    const char *srcdir = getenv("srcdir") ? getenv("srcdir") : IC_SRCDIR;
    char *dir = ic_path_join(srcdir, "tests/cases");
    struct dirent **names;
    int n = scandir(dir, &names, NULL, by_name), count = 0, rc;
    struct CMUnitTest *tests;
    char **paths;

    if (n < 0) {
        fprintf(stderr, "%s: cannot read\n", dir);
        return 1;
    }
    tests = xcalloc((size_t)n, sizeof(*tests));
    paths = xcalloc((size_t)n, sizeof(char *));
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]->d_name);

        if (len > 5 && strcmp(names[i]->d_name + len - 5, ".json") == 0) {
            paths[count] = ic_path_join(dir, names[i]->d_name);
            tests[count].name = paths[count];
            tests[count].test_func = run_case;
            tests[count].initial_state = paths[count];
            count++;
        }
        free(names[i]);
    }
    free(names);
    rc = _cmocka_run_group_tests("cases", tests, (size_t)count, NULL, NULL);
    for (int i = 0; i < count; i++)
        free(paths[i]);
    free(paths);
    free(tests);
    free(dir);
    return rc;
}
