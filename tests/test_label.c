/* Unit tests of the "stanag4774" assertion (runner/label.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assert.h"
#include "error.h"
#include "label.h"
#include "util.h"

#define NS "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"

static json_t *params, *namespaces;

static int
setup(void **state)
{
    json_error_t jerr;

    (void)state;
    params = json_loads(
        "{\"policy\": {\"name\": \"NATO\", \"uri\": \"urn:oid:1.3.26.1.3.1\","
        " \"classifications\": [\"UNCLASSIFIED\", \"RESTRICTED\","
        "   \"CONFIDENTIAL\", \"SECRET\"],"
        " \"categories\": {"
        "   \"Releasable To\": {\"type\": \"PERMISSIVE\","
        "                       \"values\": \"nations\"},"
        "   \"Only For\": {\"type\": \"RESTRICTIVE\", \"values\": \"nations\"},"
        "   \"Context\": {\"type\": \"PERMISSIVE\","
        "                 \"values\": [\"EXERCISE\", \"OPERATION\"]}},"
        " \"nations\": [\"BEL\", \"DEU\", \"FRA\", \"GBR\", \"NLD\","
        "               \"NOR\", \"USA\", \"SWE\", \"AUS\"],"
        " \"groups\": {\"NATO\": [\"BEL\", \"DEU\", \"FRA\", \"GBR\","
        "                         \"NLD\", \"NOR\", \"USA\", \"SWE\"],"
        "              \"EU\": [\"BEL\", \"DEU\", \"FRA\", \"NLD\","
        "                       \"SWE\"]}},"
        " \"participants\": [\"DEU\", \"NLD\", \"USA\"]}",
        0, &jerr);
    namespaces = json_pack("{s:s}", "slab", NS);
    assert_non_null(params);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    json_decref(params);
    json_decref(namespaces);
    return 0;
}

/* A label document with the given inner ConfidentialityInformation. */
static char *
label_doc(const char *policy, const char *classification,
          const char *categories)
{
    return xasprintf(
        "<slab:originatorConfidentialityLabel xmlns:slab=\"" NS "\">"
        "<slab:ConfidentialityInformation>%s"
        "<slab:Classification>%s</slab:Classification>%s"
        "</slab:ConfidentialityInformation>"
        "<slab:OriginatorID IDType=\"rfc822Name\">isr@example.nl"
        "</slab:OriginatorID>"
        "<slab:CreationDateTime>2025-06-10T06:00:00Z</slab:CreationDateTime>"
        "</slab:originatorConfidentialityLabel>",
        policy, classification, categories);
}

static const char nato_policy[] =
    "<slab:PolicyIdentifier URI=\"urn:oid:1.3.26.1.3.1\">NATO"
    "</slab:PolicyIdentifier>";

/* Evaluate assertion a (JSON text) on body; the result object gets the
 * annotations, msg the message. */
static ic_outcome
eval(const char *body, const char *a_text, json_t *result, char *msg)
{
    ic_response resp;
    ic_eval ev;
    ic_scope scope = {0};
    json_t *a = json_loads(a_text, 0, NULL);
    ic_outcome o;

    assert_non_null(a);
    assert_int_equal(ic_label_check(a, "t.json", "$"), 0);
    ic_response_init(&resp);
    resp.status = 200;
    resp.body = (unsigned char *)xstrdup(body);
    resp.body_len = strlen(body);
    ic_scope_push(&scope, params);
    ic_eval_init(&ev, &resp, namespaces, NULL, NULL);
    ev.scope = &scope;
    ev.annotations = result;
    o = ic_assert_eval(&ev, a, msg, 512);
    ic_eval_dispose(&ev);
    ic_response_dispose(&resp);
    json_decref(a);
    return o;
}

static const char basic[] =
    "{\"stanag4774\": \"/slab:originatorConfidentialityLabel\","
    " \"policy\": \"policy\"}";

static void
assert_nations(const json_t *result, const char *expected)
{
    const json_t *rel =
        json_object_get(json_object_get(result, "label"), "releasable_to");
    char *got = json_dumps(rel, JSON_COMPACT);

    assert_non_null(got);
    assert_string_equal(got, expected);
    free(got);
}

static void
test_label_permissive_or(void **state)
{
    char msg[512];
    json_t *result = json_object();
    char *doc = label_doc(
        nato_policy, "SECRET",
        "<slab:Category TagName=\"Releasable To\" Type=\"PERMISSIVE\">"
        "<slab:GenericValue>EU</slab:GenericValue>"
        "<slab:GenericValue>USA</slab:GenericValue>"
        "<slab:GenericValue>AUS</slab:GenericValue>"
        "</slab:Category>");

    (void)state;
    assert_int_equal(eval(doc, basic, result, msg), IC_PASSED);
    /* EU members OR USA OR AUS */
    assert_nations(result, "[\"AUS\",\"BEL\",\"DEU\",\"FRA\",\"NLD\","
                           "\"SWE\",\"USA\"]");
    assert_false(json_is_true(
        json_object_get(json_object_get(result, "label"), "national_only")));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(result, "label"),
                                          "classification")),
        "SECRET");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(result, "label"), "originator")),
                        "isr@example.nl");
    free(doc);
    json_decref(result);
}

static void
test_label_restrictive_and(void **state)
{
    char msg[512];
    json_t *result = json_object();
    /* permissive NATO, restricted to members of both NATO and EU, and the
     * categories combine with AND */
    char *doc = label_doc(
        nato_policy, "CONFIDENTIAL",
        "<slab:Category TagName=\"Releasable To\" Type=\"PERMISSIVE\">"
        "<slab:GenericValue>NATO</slab:GenericValue>"
        "<slab:GenericValue>AUS</slab:GenericValue>"
        "</slab:Category>"
        "<slab:Category TagName=\"Only For\" Type=\"RESTRICTIVE\">"
        "<slab:GenericValue>NATO</slab:GenericValue>"
        "<slab:GenericValue>EU</slab:GenericValue>"
        "</slab:Category>");

    (void)state;
    assert_int_equal(eval(doc, basic, result, msg), IC_PASSED);
    assert_nations(result, "[\"BEL\",\"DEU\",\"FRA\",\"NLD\",\"SWE\"]");
    json_decref(result);

    /* releasable_to: USA is not in NATO ∩ EU */
    result = json_object();
    assert_int_equal(
        eval(doc,
             "{\"stanag4774\": \"//slab:ConfidentialityInformation\","
             " \"policy\": \"policy\", \"releasable_to\": \"DEU,NLD USA\"}",
             result, msg),
        IC_FAILED);
    assert_non_null(strstr(msg, "not releasable to USA"));
    free(doc);
    json_decref(result);
}

static void
test_label_unknown_classification(void **state)
{
    char msg[512];
    json_t *result = json_object();
    char *doc = label_doc(nato_policy, "SECRETISH", "");

    (void)state;
    assert_int_equal(eval(doc, basic, result, msg), IC_FAILED);
    assert_non_null(strstr(msg, "\"SECRETISH\" is not defined by policy"));
    assert_null(json_object_get(result, "label"));
    free(doc);
    json_decref(result);
}

static void
test_label_bad_nation_code(void **state)
{
    char msg[512];
    json_t *result = json_object();
    char *doc = label_doc(
        nato_policy, "RESTRICTED",
        "<slab:Category TagName=\"Releasable To\" Type=\"PERMISSIVE\">"
        "<slab:GenericValue>NL</slab:GenericValue>"
        "</slab:Category>");

    (void)state;
    assert_int_equal(eval(doc, basic, result, msg), IC_FAILED);
    assert_non_null(strstr(msg, "\"NL\" is neither an ISO 3166-1 alpha-3"));
    free(doc);
    /* well-formed but not a nation of the policy */
    doc = label_doc(nato_policy, "RESTRICTED",
                    "<slab:Category TagName=\"Releasable To\" "
                    "Type=\"PERMISSIVE\">"
                    "<slab:GenericValue>XYZ</slab:GenericValue>"
                    "</slab:Category>");
    assert_int_equal(eval(doc, basic, result, msg), IC_FAILED);
    free(doc);
    /* a category value outside the policy's list, and a wrong type */
    doc = label_doc(nato_policy, "RESTRICTED",
                    "<slab:Category TagName=\"Context\" Type=\"PERMISSIVE\">"
                    "<slab:GenericValue>PARTY</slab:GenericValue>"
                    "</slab:Category>");
    assert_int_equal(eval(doc, basic, result, msg), IC_FAILED);
    assert_non_null(strstr(msg, "\"PARTY\" is not defined"));
    free(doc);
    doc = label_doc(nato_policy, "RESTRICTED",
                    "<slab:Category TagName=\"Context\" Type=\"RESTRICTIVE\">"
                    "<slab:GenericValue>EXERCISE</slab:GenericValue>"
                    "</slab:Category>");
    assert_int_equal(eval(doc, basic, result, msg), IC_FAILED);
    assert_non_null(strstr(msg, "defines it as PERMISSIVE"));
    free(doc);
    json_decref(result);
}

static void
test_label_missing_policy_identifier(void **state)
{
    char msg[512];
    json_t *result = json_object();
    char *doc = label_doc("", "SECRET", "");

    (void)state;
    assert_int_equal(eval(doc, basic, result, msg), IC_FAILED);
    assert_non_null(strstr(msg, "no PolicyIdentifier"));
    free(doc);
    /* another policy than the profile's */
    doc = label_doc("<slab:PolicyIdentifier>EU</slab:PolicyIdentifier>",
                    "SECRET", "");
    assert_int_equal(eval(doc, basic, result, msg), IC_FAILED);
    assert_non_null(strstr(msg, "expected policy \"NATO\""));
    free(doc);
    /* a policy parameter that does not exist cannot be decided */
    doc = label_doc(nato_policy, "SECRET", "");
    assert_int_equal(eval(doc, "{\"stanag4774\": \"/*\", \"policy\": \"nope\"}",
                          result, msg),
                     IC_CANTTELL);
    free(doc);
    json_decref(result);
}

static void
test_label_national_only(void **state)
{
    char msg[512];
    json_t *result = json_object();
    char *doc = label_doc(
        nato_policy, "SECRET",
        "<slab:Category TagName=\"Releasable To\" Type=\"PERMISSIVE\">"
        "<slab:GenericValue>NLD</slab:GenericValue>"
        "</slab:Category>");

    (void)state;
    assert_int_equal(eval(doc, basic, result, msg), IC_PASSED);
    assert_nations(result, "[\"NLD\"]");
    assert_true(json_is_true(
        json_object_get(json_object_get(result, "label"), "national_only")));
    json_decref(result);
    result = json_object();
    assert_int_equal(eval(doc,
                          "{\"stanag4774\": \"/*\", \"policy\": \"policy\","
                          " \"releasable_to\": [\"DEU\", \"NLD\", \"USA\"]}",
                          result, msg),
                     IC_FAILED);
    assert_non_null(strstr(msg, "not releasable to DEU, USA"));
    free(doc);
    json_decref(result);
}

static void
test_label_check_operands(void **state)
{
    json_t *a;

    (void)state;
    a = json_pack("{s:s, s:s, s:s}", "stanag4774", "/*", "policy", "p",
                  "releasable", "x");
    assert_int_equal(ic_label_check(a, "t.json", "$"), IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "releasable"));
    json_decref(a);
    a = json_pack("{s:s, s:s}", "stanag4774", "/*", "policy", "${p}");
    assert_int_equal(ic_label_check(a, "t.json", "$"), IC_EINPUT);
    json_decref(a);
    a = json_pack("{s:s}", "stanag4774", "/*");
    assert_int_equal(ic_label_check(a, "t.json", "$"), IC_EINPUT);
    json_decref(a);
    a = json_pack("{s:s, s:s, s:[s, i]}", "stanag4774", "/*", "policy", "p",
                  "releasable_to", "DEU", 3);
    assert_int_equal(ic_label_check(a, "t.json", "$"), IC_EINPUT);
    json_decref(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_label_permissive_or),
        cmocka_unit_test(test_label_restrictive_and),
        cmocka_unit_test(test_label_unknown_classification),
        cmocka_unit_test(test_label_bad_nation_code),
        cmocka_unit_test(test_label_missing_policy_identifier),
        cmocka_unit_test(test_label_national_only),
        cmocka_unit_test(test_label_check_operands),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
