/* Class and overall verdicts, exit codes and the JUnit rendering. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "report.h"

static json_t *
report_with(const char *const *outcomes, const int *optional, size_t n,
            int mandatory)
{
    json_t *r =
        json_pack("{s:{s:s}, s:[{s:s, s:[{s:s, s:s, s:b}]}], s:[]}", "profile",
                  "id", "p", "suites", "id", "s", "classes", "id", "c", "title",
                  "C", "mandatory", mandatory, "results");

    for (size_t i = 0; i < n; i++) {
        char id[16];

        snprintf(id, sizeof(id), "t%zu", i);
        json_array_append_new(
            json_object_get(r, "results"),
            json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:{s:s, s:s}, s:s}",
                      "suite", "s", "class", "c", "test", id, "instance", id,
                      "optional", optional ? optional[i] : 0, "outcome",
                      outcomes[i], "requirement", "document", "D", "clause",
                      "1", "title", "T"));
    }
    ic_report_summarize(r);
    return r;
}

static const char *
verdict(json_t *r)
{
    return json_string_value(json_object_get(
        json_array_get(json_object_get(r, "classes"), 0), "verdict"));
}

static const char *
overall(json_t *r)
{
    return json_string_value(
        json_object_get(json_object_get(r, "summary"), "verdict"));
}

static void
test_report_verdicts(void **state)
{
    static const char *const pass[] = {"passed", "inapplicable", "passed"};
    static const char *const fail[] = {"passed", "failed", "cantTell"};
    static const char *const skipped[] = {"passed", "untested", "untested"};
    static const char *const none[] = {"inapplicable", "inapplicable"};
    static const char *const optfail[] = {"passed", "failed"};
    static const int opt[] = {0, 1};
    json_t *r;

    (void)state;
    r = report_with(pass, NULL, 3, 1);
    assert_string_equal(verdict(r), "passed");
    assert_string_equal(overall(r), "passed");
    assert_int_equal(ic_report_exit_code(r), 0);
    json_decref(r);

    r = report_with(fail, NULL, 3, 1);
    assert_string_equal(verdict(r), "failed");
    assert_int_equal(ic_report_exit_code(r), 1);
    json_decref(r);

    /* a class whose mandatory tests were skipped never shows as passed */
    r = report_with(skipped, NULL, 3, 1);
    assert_string_equal(verdict(r), "cantTell");
    assert_string_equal(overall(r), "cantTell");
    assert_int_equal(ic_report_exit_code(r), 1);
    json_decref(r);

    r = report_with(none, NULL, 2, 1);
    assert_string_equal(verdict(r), "cantTell");
    json_decref(r);

    /* a failed SHOULD-level test is reported but does not fail the class */
    r = report_with(optfail, opt, 2, 1);
    assert_string_equal(verdict(r), "passed");
    assert_int_equal(
        json_integer_value(json_object_get(
            json_object_get(json_array_get(json_object_get(r, "classes"), 0),
                            "counts"),
            "failed")),
        1);
    json_decref(r);

    /* a class of recommendations only is judged on them */
    {
        static const int all[] = {1, 1};
        static const char *const good[] = {"passed", "inapplicable"};

        r = report_with(optfail, all, 2, 0);
        assert_string_equal(verdict(r), "failed");
        json_decref(r);
        r = report_with(good, all, 2, 0);
        assert_string_equal(verdict(r), "passed");
        json_decref(r);
    }

    /* a failed optional class does not fail the run */
    r = report_with(fail, NULL, 3, 0);
    assert_string_equal(verdict(r), "failed");
    assert_string_equal(overall(r), "cantTell");
    json_decref(r);
}

static void
test_report_junit(void **state)
{
    static const char *const o[] = {"passed", "failed", "cantTell", "untested"};
    json_t *r = report_with(o, NULL, 4, 1);
    char *xml = NULL;
    size_t len = 0;
    xmlDocPtr doc;
    xmlNodePtr suite;

    (void)state;
    json_object_set_new(json_array_get(json_object_get(r, "results"), 1),
                        "message", json_string("expected <1> & found \"2\""));
    assert_int_equal(ic_report_junit(&xml, &len, r), 0);
    doc = xmlReadMemory(xml, (int)len, "junit.xml", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    suite = xmlDocGetRootElement(doc)->children;
    while (suite && suite->type != XML_ELEMENT_NODE)
        suite = suite->next;
    assert_string_equal((const char *)suite->name, "testsuite");
    xmlChar *v = xmlGetProp(suite, (const xmlChar *)"tests");
    assert_string_equal((const char *)v, "4");
    xmlFree(v);
    v = xmlGetProp(suite, (const xmlChar *)"failures");
    assert_string_equal((const char *)v, "1");
    xmlFree(v);
    v = xmlGetProp(suite, (const xmlChar *)"errors");
    assert_string_equal((const char *)v, "1");
    xmlFree(v);
    v = xmlGetProp(suite, (const xmlChar *)"skipped");
    assert_string_equal((const char *)v, "1");
    xmlFree(v);
    assert_non_null(strstr(xml, "expected &lt;1&gt; &amp; found"));
    xmlFreeDoc(doc);
    free(xml);
    json_decref(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_verdicts),
        cmocka_unit_test(test_report_junit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
