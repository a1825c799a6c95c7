#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "assert.h"
#include "http.h"
#include "jsonptr.h"
#include "template.h"

static json_t *vars, *params;

static int
setup(void **state)
{
    (void)state;
    vars = json_pack("{s:s, s:[s,s], s:{s:s, s:s}, s:[{s:s}]}", "v", "1.3.0",
                     "formats", "image/png", "image/gif", "layer", "name",
                     "roads", "west", "-10", "records", "name", "x");
    params = json_pack("{s:i, s:s}", "width", 200, "v", "shadowed");
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    json_decref(vars);
    json_decref(params);
    return 0;
}

static char *
expand(const char *t, char *err)
{
    ic_scope s = {0};
    char *out = NULL;

    ic_scope_push(&s, vars);
    ic_scope_push(&s, params);
    if (ic_template_expand(&out, t, &s, err, 200) < 0)
        return NULL;
    return out;
}

static void
test_template_values(void **state)
{
    char err[200], *out;

    (void)state;
    out = expand("V=${v}&W=${width}&F=${formats}&L=${layer.name}", err);
    assert_string_equal(out, "V=1.3.0&W=200&F=image/png,image/gif&L=roads");
    free(out);
    out = expand("literal $${v} and ${layer.west}", err);
    assert_string_equal(out, "literal ${v} and -10");
    free(out);
    json_object_set_new(vars, "fmt", json_string("image/svg+xml (x)"));
    out = expand("^${fmt|re}$", err);
    assert_string_equal(out, "^image/svg\\+xml \\(x\\)$");
    free(out);
    json_object_set_new(vars, "lat", json_real(52.4));
    out = expand("${lat}", err);
    assert_string_equal(out, "52.4");
    free(out);
    assert_null(expand("${fmt|upper}", err));
    assert_string_equal(err, "unknown filter \"|upper\" in ${fmt|upper}");
}

static void
test_template_errors(void **state)
{
    char err[200];

    (void)state;
    assert_null(expand("${missing}", err));
    assert_string_equal(err, "unresolved ${missing}");
    assert_null(expand("${layer.nofield}", err));
    assert_string_equal(err, "unresolved ${layer.nofield}");
    assert_null(expand("${records}", err));
    assert_string_equal(err, "${records} is a list of records");
    assert_null(expand("${layer}", err));
    assert_string_equal(err, "${layer} is a record, not a value");
    assert_int_equal(ic_template_check("a ${b", err, sizeof(err)), -1);
    assert_int_equal(ic_template_check("a ${}", err, sizeof(err)), -1);
    assert_int_equal(ic_template_check("a ${b}", err, sizeof(err)), 0);
}

static void
test_template_json_deep(void **state)
{
    ic_scope s = {0};
    json_t *in = json_pack("{s:{s:s}, s:[s, i]}", "query", "W", "${width}",
                           "list", "${v}", 7),
           *out = NULL;
    char err[200];

    (void)state;
    ic_scope_push(&s, vars);
    ic_scope_push(&s, params);
    assert_int_equal(ic_template_expand_json(&out, in, &s, err, sizeof(err)),
                     0);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(out, "query"), "W")),
        "200");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(out, "list"), 0)),
        "1.3.0");
    json_decref(in);
    json_decref(out);
}

static void
test_template_jsonptr(void **state)
{
    json_t *doc = json_pack("{s:[{s:s,s:s},{s:s,s:s}], s:{s:i}, s:s}", "links",
                            "rel", "self", "href", "/a", "rel", "next", "href",
                            "/b", "a/b", "~", 1, "k", "v");

    (void)state;
    assert_string_equal(
        json_string_value(ic_jsonptr_get(doc, "/links/[rel=next]/href")), "/b");
    assert_string_equal(json_string_value(ic_jsonptr_get(doc, "/links/0/rel")),
                        "self");
    assert_int_equal(json_integer_value(ic_jsonptr_get(doc, "/a~1b/~0")), 1);
    assert_null(ic_jsonptr_get(doc, "/links/01"));
    assert_null(ic_jsonptr_get(doc, "/links/[rel=prev]"));
    assert_ptr_equal(ic_jsonptr_get(doc, ""), doc);
    assert_int_equal(ic_jsonptr_check("x"), -1);
    assert_int_equal(ic_jsonptr_check("/a~2"), -1);
    json_decref(doc);
}

static void
test_template_url_merge(void **state)
{
    json_t *q = json_pack("{s:s, s:s}", "SERVICE", "WMS", "LAYERS", "a b&c");
    const char *const secrets[] = {"token"};
    char *u;

    (void)state;
    u = ic_http_url("http://h/cgi?map=X&service=old#frag", "", q, "x=%ZZ");
    assert_string_equal(u, "http://h/cgi?map=X&SERVICE=WMS&LAYERS=a%20b%26c"
                           "&x=%ZZ");
    free(u);
    u = ic_http_url("http://h/api/", "/collections", NULL, NULL);
    assert_string_equal(u, "http://h/api/collections");
    free(u);
    u = ic_http_url("http://h/api", "collections", NULL, NULL);
    assert_string_equal(u, "http://h/api/collections");
    free(u);
    u = ic_http_redact_url("http://h/x?a=1&TOKEN=s3cret&b=2", secrets, 1);
    assert_string_equal(u, "http://h/x?a=1&TOKEN=" IC_REDACTED "&b=2");
    free(u);
    json_decref(q);
}

/* A header value in ISO-8859-1 (HTTP obs-text) is captured as that text
 * in UTF-8, not lost: found by tests/fuzz/fuzz_assert. */
static void
test_template_capture_header_bytes(void **state)
{
    static const char raw[] = "HTTP/1.1 200 OK\r\n"
                              "ETag: \"\xe9t\xe9\"\r\n"
                              "X-U: caf\xc3\xa9\r\n\r\n";
    json_t *etag = json_pack("{s:s}", "header", "ETag");
    json_t *xu = json_pack("{s:s}", "header", "X-U");
    json_t *value = NULL;
    ic_response resp;
    ic_eval ev;
    char msg[200];

    (void)state;
    ic_response_init(&resp);
    assert_int_equal(ic_response_parse_headers(&resp, raw, strlen(raw)), 0);
    ic_eval_init(&ev, &resp, NULL, NULL, NULL);
    assert_int_equal(ic_capture_eval(&ev, etag, &value, msg, sizeof(msg)), 0);
    assert_non_null(value);
    assert_string_equal(json_string_value(value), "\"\xc3\xa9t\xc3\xa9\"");
    json_decref(value);
    assert_int_equal(ic_capture_eval(&ev, xu, &value, msg, sizeof(msg)), 0);
    assert_string_equal(json_string_value(value), "caf\xc3\xa9");
    json_decref(value);
    ic_eval_dispose(&ev);
    ic_response_dispose(&resp);
    json_decref(etag);
    json_decref(xu);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_values),
        cmocka_unit_test(test_template_errors),
        cmocka_unit_test(test_template_json_deep),
        cmocka_unit_test(test_template_jsonptr),
        cmocka_unit_test(test_template_url_merge),
        cmocka_unit_test(test_template_capture_header_bytes),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
