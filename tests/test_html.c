/* The HTML page and the EARL rendering of a report: hostile strings from
 * remote servers stay text, counts and verdicts show, outcomes map. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include "earl.h"
#include "html.h"
#include "report.h"
#include "util.h"

#define SCRIPT "<script>alert(1)</script>"
#define IMG "\"><img src=x onerror=alert(1)>"
#define AMP "Q&A &amp; <b>bold</b> ]]> <!-- x -->"
#define INTL "Système d'échange — 情報共有 ✓ Ωμέγα"
#define EVID "<urn:uuid:0b9f1c2e-1111-4222-8333-944455556666>"

static char *long_message;

static const char *const outcomes[] = {"passed",   "passed",   "failed",
                                       "cantTell", "untested", "inapplicable"};
#define NRESULTS (sizeof(outcomes) / sizeof(outcomes[0]))

static json_t *
hostile_report(void)
{
    json_t *r = json_pack(
        "{s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s}, s:[{s:s, s:s, s:s, "
        "s:[{s:s, s:s, s:b}]}], s:{s:{s:s, s:s, s:s, s:s}, s:s}, s:s, s:s, "
        "s:[]}",
        "format", "isrcert-report/1", "runner", "name", "isrcert", "version",
        "9.8.7", "profile", "id", "</style>" SCRIPT, "version", "1.0", "title",
        IMG, "sha256", "abc123", "suites", "id", "suite<&>", "version", "2.0",
        "title", AMP, "classes", "id", "core\"'", "title", IMG, "mandatory", 1,
        "target", "system", "name", SCRIPT, "vendor", IMG, "version", AMP,
        "nation", INTL, "sha256", "def456", "started",
        "2026-11-27T10:00:00.000Z", "finished", "2026-11-27T10:00:03.120Z",
        "results");
    json_t *results = json_object_get(r, "results");

    for (size_t i = 0; i < NRESULTS; i++) {
        char instance[32];
        json_t *res;

        snprintf(instance, sizeof(instance), "t%zu<i>", i);
        res = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:{s:s, s:s}, s:s, "
                        "s:s}",
                        "suite", "suite<&>", "test", "t<x>", "instance",
                        instance, "class", "core\"'", "mandatory", 1,
                        "optional", 0, "requirement", "document", SCRIPT,
                        "clause", IMG, "title", AMP, "outcome", outcomes[i]);
        json_array_append_new(results, res);
    }
    /* the failed one carries everything a remote server can put there */
    json_object_set_new(json_array_get(results, 2), "message",
                        json_string(long_message));
    json_object_set_new(json_array_get(results, 2), "request",
                        json_string("GET http://127.0.0.1/?q=" SCRIPT));
    json_object_set_new(json_array_get(results, 2), "status",
                        json_integer(200));
    json_object_set_new(
        json_array_get(results, 2), "evidence",
        json_pack("[{s:s, s:s, s:s}]", "request", EVID, "response",
                  "<urn:uuid:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee>", "sha256",
                  "sha256:00"));
    json_object_set_new(json_array_get(results, 3), "message",
                        json_string("ctl\x01here " IMG));
    json_object_set_new(json_array_get(results, 4), "cause",
                        json_string("cap<abilities>"));
    json_object_set_new(json_array_get(results, 1), "label",
                        json_pack("{s:s, s:s, s:[s, s], s:b}", "policy", "NATO",
                                  "classification", SCRIPT, "releasable_to",
                                  "NLD", IMG, "national_only", 0));
    ic_report_summarize(r);
    return r;
}

static int
setup(void **state)
{
    static const char chunk[] = "<script>x</script> & \"long\" ";
    size_t n = 4000, cl = sizeof(chunk) - 1;

    (void)state;
    long_message = xmalloc(n * cl + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(long_message + i * cl, chunk, cl);
    long_message[n * cl] = '\0';
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    free(long_message);
    return 0;
}

/* ---- tree helpers ------------------------------------------------------ */

static int
has_class(xmlNodePtr n, const char *cls)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"class");
    int found = 0;

    if (v) {
        size_t len = strlen(cls);
        const char *p = (const char *)v;

        while ((p = strstr(p, cls)) != NULL && !found) {
            found = (p == (const char *)v || p[-1] == ' ') &&
                    (p[len] == '\0' || p[len] == ' ');
            p += len;
        }
    }
    xmlFree(v);
    return found;
}

/* First element in document order named name (and of class cls). */
static xmlNodePtr
find(xmlNodePtr n, const char *name, const char *cls)
{
    for (; n; n = n->next) {
        xmlNodePtr hit;

        if (n->type == XML_ELEMENT_NODE &&
            strcmp((const char *)n->name, name) == 0 &&
            (!cls || has_class(n, cls)))
            return n;
        if ((hit = find(n->children, name, cls)) != NULL)
            return hit;
    }
    return NULL;
}

static xmlNodePtr
find_id(xmlNodePtr n, const char *id)
{
    for (; n; n = n->next) {
        xmlNodePtr hit;

        if (n->type == XML_ELEMENT_NODE) {
            xmlChar *v = xmlGetProp(n, (const xmlChar *)"id");
            int eq = v && strcmp((const char *)v, id) == 0;

            xmlFree(v);
            if (eq)
                return n;
        }
        if ((hit = find_id(n->children, id)) != NULL)
            return hit;
    }
    return NULL;
}

static size_t
count(xmlNodePtr n, const char *name)
{
    size_t c = 0;

    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE &&
            strcmp((const char *)n->name, name) == 0)
            c++;
        c += count(n->children, name);
    }
    return c;
}

/* An attribute whose name starts with "on" (an event handler) anywhere. */
static int
has_handler(xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            for (xmlAttrPtr a = n->properties; a; a = a->next)
                if (strncmp((const char *)a->name, "on", 2) == 0)
                    return 1;
        }
        if (has_handler(n->children))
            return 1;
    }
    return 0;
}

/* Some element's whole text is exactly s. */
static int
has_text(xmlNodePtr n, const char *s)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            xmlChar *c = xmlNodeGetContent(n);
            int eq = c && strcmp((const char *)c, s) == 0;

            xmlFree(c);
            if (eq || has_text(n->children, s))
                return 1;
        }
    }
    return 0;
}

/* The element's text without the indentation around it. */
static char *
content(xmlNodePtr n)
{
    xmlChar *c = xmlNodeGetContent(n);
    const char *b = c ? (const char *)c : "";
    size_t len;
    char *s;

    b += strspn(b, " \n");
    len = strlen(b);
    while (len > 0 && (b[len - 1] == ' ' || b[len - 1] == '\n'))
        len--;
    s = xstrndup(b, len);
    xmlFree(c);
    return s;
}

static xmlNodePtr
nth_element(xmlNodePtr n, const char *name, size_t i)
{
    for (; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE &&
            strcmp((const char *)n->name, name) == 0 && i-- == 0)
            return n;
    return NULL;
}

static void
render(json_t *r, char **html, size_t *len, htmlDocPtr *hdoc, xmlDocPtr *xdoc)
{
    assert_int_equal(ic_report_html(html, len, r), 0);
    assert_non_null(*html);
    assert_int_equal(strlen(*html), *len);
    *hdoc = htmlReadMemory(*html, (int)*len, "report.html", "UTF-8",
                           HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                               HTML_PARSE_NOWARNING);
    assert_non_null(*hdoc);
    /* polyglot markup: the page is well-formed XML too */
    *xdoc = xmlReadMemory(*html, (int)*len, "report.html", "UTF-8",
                          XML_PARSE_NONET | XML_PARSE_NOERROR |
                              XML_PARSE_NOWARNING);
    assert_non_null(*xdoc);
}

/* ---- tests ------------------------------------------------------------- */

static void
test_html_escapes_everything(void **state)
{
    json_t *r = hostile_report();
    char *html = NULL;
    size_t len = 0;
    htmlDocPtr h;
    xmlDocPtr x;

    (void)state;
    render(r, &html, &len, &h, &x);
    assert_memory_equal(html, "<!DOCTYPE html>", 15);
    for (int pass = 0; pass < 2; pass++) {
        xmlNodePtr root = xmlDocGetRootElement(pass ? x : h);

        assert_string_equal((const char *)root->name, "html");
        assert_int_equal(count(root, "script"), 0);
        assert_int_equal(count(root, "img"), 0);
        assert_int_equal(count(root, "b"), 0);
        assert_int_equal(count(root, "style"), 1);
        assert_false(has_handler(root));
        /* what the servers sent comes back as the same text */
        assert_true(has_text(root, SCRIPT));
        assert_true(has_text(root, IMG));
        assert_true(has_text(root, AMP));
        assert_true(has_text(root, INTL));
        assert_true(has_text(root, EVID));
        assert_true(has_text(root, long_message));
        assert_true(has_text(root, "GET http://127.0.0.1/?q=" SCRIPT));
        assert_true(has_text(root, "cap<abilities>"));
        /* a control character becomes U+FFFD; the rest stays */
        assert_true(has_text(root, "ctl\xEF\xBF\xBDhere " IMG));
    }
    /* no markup from the report reaches the file unescaped */
    assert_null(strstr(html, SCRIPT));
    assert_null(strstr(html, "<img"));
    assert_null(strstr(html, "<b>"));
    xmlFreeDoc(h);
    xmlFreeDoc(x);
    free(html);
    json_decref(r);
}

static void
test_html_counts_and_verdicts(void **state)
{
    static const char *const want[] = {"2", "1", "1", "1", "1"};
    json_t *r = hostile_report();
    char *html = NULL, *s;
    size_t len = 0;
    htmlDocPtr h;
    xmlDocPtr x;
    xmlNodePtr root, classes, row, res, label;

    (void)state;
    render(r, &html, &len, &h, &x);
    root = xmlDocGetRootElement(h);

    s = content(find(find(root, "div", "verdict"), "div", "vv"));
    assert_string_equal(s, "failed");
    free(s);
    assert_non_null(find(root, "div", "o-failed"));

    /* suite, class, status, five counts in EARL order, verdict */
    classes = find(root, "table", "grid");
    row = nth_element(find(classes, "tbody", NULL)->children, "tr", 0);
    assert_non_null(row);
    s = content(nth_element(row->children, "td", 2));
    assert_string_equal(s, "mandatory");
    free(s);
    for (size_t i = 0; i < 5; i++) {
        s = content(nth_element(row->children, "td", 3 + i));
        assert_string_equal(s, want[i]);
        free(s);
    }
    s = content(nth_element(row->children, "td", 8));
    assert_string_equal(s, "failed");
    free(s);

    /* failed, cantTell and untested are listed first ... */
    res = find(find_id(root, "attention"), "table", "results");
    assert_non_null(res);
    assert_int_equal(count(find(res, "tbody", NULL)->children, "tr"), 3);
    assert_non_null(find(res, "span", "o-untested"));
    /* ... and every result, with its outcome, under its suite */
    res = find(find_id(root, "suite-0"), "table", "results");
    assert_non_null(res);
    assert_int_equal(count(find(res, "tbody", NULL)->children, "tr"), NRESULTS);
    row = nth_element(find(res, "tbody", NULL)->children, "tr", 3);
    assert_non_null(find(row, "span", "o-canttell"));
    row = nth_element(find(res, "tbody", NULL)->children, "tr", 2);
    assert_true(has_class(row, "r-failed"));
    s = content(find(row, "span", "badge"));
    assert_string_equal(s, "failed");
    free(s);

    /* the label annotation, with its nations, is shown */
    label = find(root, "div", "label");
    assert_non_null(label);
    s = content(label);
    assert_non_null(strstr(s, "NLD, " IMG));
    assert_non_null(strstr(s, "national only: no"));
    free(s);

    xmlFreeDoc(h);
    xmlFreeDoc(x);
    free(html);
    json_decref(r);
}

static void
test_html_empty_report(void **state)
{
    json_t *r = json_object();
    char *html = NULL;
    size_t len = 0;
    htmlDocPtr h;
    xmlDocPtr x;

    (void)state;
    render(r, &html, &len, &h, &x);
    assert_non_null(find(xmlDocGetRootElement(x), "div", "o-unknown"));
    assert_null(find_id(xmlDocGetRootElement(x), "attention"));
    xmlFreeDoc(h);
    xmlFreeDoc(x);
    free(html);
    json_decref(r);
}

static void
test_html_earl(void **state)
{
    json_t *r = hostile_report(), *doc, *ctx, *a, *node;
    json_error_t err;
    char *out = NULL;
    size_t len = 0, i, assertions = 0;

    (void)state;
    assert_int_equal(ic_report_earl(&out, &len, r), 0);
    assert_int_equal(strlen(out), len);
    doc = json_loads(out, 0, &err);
    assert_non_null(doc);
    ctx = json_object_get(doc, "@context");
    assert_string_equal(json_string_value(json_object_get(ctx, "earl")),
                        "http://www.w3.org/ns/earl#");
    assert_string_equal(json_string_value(json_object_get(ctx, "dct")),
                        "http://purl.org/dc/terms/");
    assert_string_equal(json_string_value(json_object_get(ctx, "foaf")),
                        "http://xmlns.com/foaf/0.1/");

    json_array_foreach (json_object_get(doc, "@graph"), i, node) {
        const char *id = json_string_value(json_object_get(node, "@id"));

        if (id && strcmp(id, "_:assertor") == 0)
            assert_string_equal(
                json_string_value(json_object_get(node, "dct:hasVersion")),
                "9.8.7");
        if (id && strcmp(id, "_:subject") == 0)
            assert_string_equal(
                json_string_value(json_object_get(node, "dct:title")), SCRIPT);
        if (!json_is_string(json_object_get(node, "@type")) ||
            strcmp(json_string_value(json_object_get(node, "@type")),
                   "earl:Assertion") != 0)
            continue;
        a = node;
        {
            json_t *result = json_object_get(a, "earl:result");
            json_t *test = json_object_get(a, "earl:test");
            char want[32];

            assert_true(assertions < NRESULTS);
            snprintf(want, sizeof(want), "earl:%s", outcomes[assertions]);
            assert_string_equal(
                json_string_value(json_object_get(
                    json_object_get(result, "earl:outcome"), "@id")),
                want);
            assert_string_equal(
                json_string_value(json_object_get(result, "dct:date")),
                "2026-11-27T10:00:03.120Z");
            assert_string_equal(
                json_string_value(json_object_get(
                    json_object_get(a, "earl:assertedBy"), "@id")),
                "_:assertor");
            assert_string_equal(
                json_string_value(json_object_get(test, "dct:identifier")),
                "suite<&>/t<x>");
            assert_string_equal(
                json_string_value(json_object_get(test, "dct:source")),
                SCRIPT ", " IMG);
            if (assertions == 2) {
                assert_string_equal(json_string_value(json_object_get(
                                        result, "dct:description")),
                                    long_message);
                assert_string_equal(
                    json_string_value(json_object_get(
                        json_array_get(
                            json_object_get(result, "dct:references"), 0),
                        "@id")),
                    "urn:uuid:0b9f1c2e-1111-4222-8333-944455556666");
            }
            if (assertions == 4)
                assert_non_null(strstr(json_string_value(json_object_get(
                                           result, "dct:description")),
                                       "cap<abilities>"));
        }
        assertions++;
    }
    assert_int_equal(assertions, NRESULTS);
    json_decref(doc);
    free(out);
    json_decref(r);
}

static void
test_html_run_directory(void **state)
{
    static const char *const names[] = {"report.json", "junit.xml",
                                        "report.html", "earl.jsonld"};
    char dir[] = "/tmp/test_html.XXXXXX";
    json_t *r = hostile_report();
    size_t files = 0;
    DIR *d;
    struct dirent *e;

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(ic_report_write(dir, r), 0);
    for (size_t i = 0; i < 4; i++) {
        char *path = ic_path_join(dir, names[i]), *data = NULL;
        size_t len = 0;

        assert_int_equal(ic_file_read(&data, &len, path), 0);
        assert_true(len > 0);
        free(data);
        unlink(path);
        free(path);
    }
    /* nothing else (no temp file) is left behind */
    d = opendir(dir);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        files += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(files, 0);
    rmdir(dir);
    json_decref(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_escapes_everything),
        cmocka_unit_test(test_html_counts_and_verdicts),
        cmocka_unit_test(test_html_empty_report),
        cmocka_unit_test(test_html_earl),
        cmocka_unit_test(test_html_run_directory),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
