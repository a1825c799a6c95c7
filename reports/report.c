#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/xmlwriter.h>

#include "earl.h"
#include "error.h"
#include "html.h"
#include "outcome.h"
#include "report.h"
#include "util.h"

static json_t *
counts_new(void)
{
    json_t *c = json_object();

    for (int i = 0; i < IC_OUTCOME_COUNT; i++)
        json_object_set_new(c, ic_outcome_name(i), json_integer(0));
    return c;
}

static void
counts_add(json_t *c, const char *outcome)
{
    json_t *v = json_object_get(c, outcome);

    if (v)
        json_integer_set(v, json_integer_value(v) + 1);
}

static const char *
class_verdict(size_t passed, size_t failed, size_t undecided)
{
    if (failed)
        return "failed";
    if (undecided || passed == 0)
        return "cantTell";
    return "passed";
}

json_t *
ic_report_summarize(json_t *report)
{
    json_t *classes = json_array(), *suite, *cls, *res, *total = counts_new();
    size_t i, j, k, mand_failed = 0, mand_undecided = 0, mand = 0;

    json_array_foreach (json_object_get(report, "suites"), i, suite) {
        const char *sid = json_string_value(json_object_get(suite, "id"));

        json_array_foreach (json_object_get(suite, "classes"), j, cls) {
            const char *cid = json_string_value(json_object_get(cls, "id"));
            json_t *counts = counts_new();
            size_t passed = 0, failed = 0, undecided = 0, required = 0;
            const char *verdict;
            int all_optional;

            /* a class made only of recommendations is judged on them */
            json_array_foreach (json_object_get(report, "results"), k, res) {
                if (strcmp(json_string_value(json_object_get(res, "suite")),
                           sid) == 0 &&
                    strcmp(json_string_value(json_object_get(res, "class")),
                           cid) == 0 &&
                    !json_is_true(json_object_get(res, "optional")))
                    required++;
            }
            all_optional = required == 0;

            json_array_foreach (json_object_get(report, "results"), k, res) {
                const char *o;

                if (strcmp(json_string_value(json_object_get(res, "suite")),
                           sid) != 0 ||
                    strcmp(json_string_value(json_object_get(res, "class")),
                           cid) != 0)
                    continue;
                o = json_string_value(json_object_get(res, "outcome"));
                counts_add(counts, o);
                if (json_is_true(json_object_get(res, "optional")) &&
                    !all_optional)
                    continue;
                if (strcmp(o, "passed") == 0)
                    passed++;
                else if (strcmp(o, "failed") == 0)
                    failed++;
                else if (strcmp(o, "inapplicable") != 0)
                    undecided++;
            }
            verdict = class_verdict(passed, failed, undecided);
            if (json_is_true(json_object_get(cls, "mandatory"))) {
                mand++;
                mand_failed += strcmp(verdict, "failed") == 0;
                mand_undecided += strcmp(verdict, "cantTell") == 0;
            }
            json_array_append_new(
                classes,
                json_pack("{s:s, s:s, s:O, s:b, s:o, s:s}", "suite", sid,
                          "class", cid, "title", json_object_get(cls, "title"),
                          "mandatory",
                          json_is_true(json_object_get(cls, "mandatory")),
                          "counts", counts, "verdict", verdict));
        }
    }
    json_array_foreach (json_object_get(report, "results"), k, res) {
        counts_add(total, json_string_value(json_object_get(res, "outcome")));
    }
    json_object_set_new(report, "classes", classes);
    json_object_set_new(report, "summary",
                        json_pack("{s:o, s:s}", "counts", total, "verdict",
                                  mand_failed                   ? "failed"
                                  : mand_undecided || mand == 0 ? "cantTell"
                                                                : "passed"));
    return classes;
}

int
ic_report_exit_code(const json_t *report)
{
    const char *v = json_string_value(
        json_object_get(json_object_get(report, "summary"), "verdict"));

    return v && strcmp(v, "passed") == 0 ? 0 : 1;
}

static int
write_case(xmlTextWriterPtr w, const json_t *res)
{
    const char *o = json_string_value(json_object_get(res, "outcome"));
    const char *msg = json_string_value(json_object_get(res, "message"));
    const json_t *req = json_object_get(res, "requirement");
    char *name =
        xasprintf("%s%s%s", json_string_value(json_object_get(res, "instance")),
                  json_object_get(res, "item") ? " " : "",
                  json_object_get(res, "item")
                      ? json_string_value(json_object_get(res, "item"))
                      : "");
    char *classname =
        xasprintf("%s.%s", json_string_value(json_object_get(res, "suite")),
                  json_string_value(json_object_get(res, "class")));
    char *text =
        xasprintf("%s\nrequirement: %s %s\n%s%s",
                  json_string_value(json_object_get(res, "title")),
                  json_string_value(json_object_get(req, "document")),
                  json_string_value(json_object_get(req, "clause")),
                  json_object_get(res, "request") ? "request: " : "",
                  json_object_get(res, "request")
                      ? json_string_value(json_object_get(res, "request"))
                      : "");
    char secs[32];
    int rc = 0;

    snprintf(secs, sizeof(secs), "%.3f",
             json_number_value(json_object_get(res, "seconds")));
    rc |= xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name) < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "classname",
                                      BAD_CAST classname) < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST secs) < 0;
    if (strcmp(o, "failed") == 0 || strcmp(o, "cantTell") == 0) {
        rc |= xmlTextWriterStartElement(
                  w, BAD_CAST(o[0] == 'f' ? "failure" : "error")) < 0;
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "message",
                                          BAD_CAST(msg ? msg : o)) < 0;
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST o) < 0;
        rc |= xmlTextWriterWriteString(w, BAD_CAST text) < 0;
        rc |= xmlTextWriterEndElement(w) < 0;
    } else if (strcmp(o, "passed") != 0) {
        rc |= xmlTextWriterStartElement(w, BAD_CAST "skipped") < 0;
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "message",
                                          BAD_CAST(msg ? msg : o)) < 0;
        rc |= xmlTextWriterEndElement(w) < 0;
    }
    rc |= xmlTextWriterEndElement(w) < 0;
    free(name);
    free(classname);
    free(text);
    return rc ? -1 : 0;
}

int
ic_report_junit(char **out, size_t *len, const json_t *report)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    json_t *cls, *res;
    size_t i, k;
    int rc = 0;

    *out = NULL;
    if (!w) {
        xmlBufferFree(buf);
        return ic_error_set(IC_ERUNTIME, "XML writer unavailable");
    }
    xmlTextWriterSetIndent(w, 1);
    rc |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0;
    rc |= xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0;
    rc |= xmlTextWriterWriteAttribute(
              w, BAD_CAST "name",
              BAD_CAST json_string_value(json_object_get(
                  json_object_get(report, "profile"), "id"))) < 0;
    json_array_foreach (json_object_get(report, "classes"), i, cls) {
        const char *sid = json_string_value(json_object_get(cls, "suite"));
        const char *cid = json_string_value(json_object_get(cls, "class"));
        json_t *c = json_object_get(cls, "counts");
        char *name = xasprintf("%s.%s", sid, cid);
        char n[4][24];
        long long tests = 0;

        for (int o = 0; o < IC_OUTCOME_COUNT; o++)
            tests += json_integer_value(json_object_get(c, ic_outcome_name(o)));
        snprintf(n[0], sizeof(n[0]), "%lld", tests);
        snprintf(n[1], sizeof(n[1]), "%lld",
                 json_integer_value(json_object_get(c, "failed")));
        snprintf(n[2], sizeof(n[2]), "%lld",
                 json_integer_value(json_object_get(c, "cantTell")));
        snprintf(n[3], sizeof(n[3]), "%lld",
                 json_integer_value(json_object_get(c, "inapplicable")) +
                     json_integer_value(json_object_get(c, "untested")));
        rc |= xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0;
        rc |=
            xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name) < 0;
        rc |=
            xmlTextWriterWriteAttribute(w, BAD_CAST "tests", BAD_CAST n[0]) < 0;
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "failures",
                                          BAD_CAST n[1]) < 0;
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST n[2]) <
              0;
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "skipped",
                                          BAD_CAST n[3]) < 0;
        free(name);
        json_array_foreach (json_object_get(report, "results"), k, res) {
            if (strcmp(json_string_value(json_object_get(res, "suite")), sid) ==
                    0 &&
                strcmp(json_string_value(json_object_get(res, "class")), cid) ==
                    0)
                rc |= write_case(w, res);
        }
        rc |= xmlTextWriterEndElement(w) < 0;
    }
    rc |= xmlTextWriterEndDocument(w) < 0;
    xmlFreeTextWriter(w);
    if (rc) {
        xmlBufferFree(buf);
        return ic_error_set(IC_ERUNTIME, "writing JUnit XML failed");
    }
    *len = (size_t)xmlBufferLength(buf);
    *out = xstrndup((const char *)xmlBufferContent(buf), *len);
    xmlBufferFree(buf);
    return IC_OK;
}

static int
write_rendering(const char *dir, const char *name, const json_t *report,
                int (*render)(char **, size_t *, const json_t *))
{
    char *data = NULL, *path = NULL;
    size_t len = 0;
    int rc;

    if ((rc = render(&data, &len, report)) < 0)
        return rc;
    path = ic_path_join(dir, name);
    rc = ic_file_write_atomic(path, data, len, 0644);
    free(path);
    free(data);
    return rc;
}

int
ic_report_write(const char *dir, const json_t *report)
{
    char *json = NULL, *junit = NULL, *path = NULL;
    size_t junit_len = 0;
    int rc;

    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return ic_error_set(IC_ERUNTIME, "%s: %s", dir, strerror(errno));
    json = json_dumps(report, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!json)
        return ic_error_set(IC_ERUNTIME, "cannot serialise the report");
    path = ic_path_join(dir, "report.json");
    rc = ic_file_write_atomic(path, json, strlen(json), 0644);
    free(path);
    if (rc < 0)
        goto cleanup;
    if ((rc = ic_report_junit(&junit, &junit_len, report)) < 0)
        goto cleanup;
    path = ic_path_join(dir, "junit.xml");
    rc = ic_file_write_atomic(path, junit, junit_len, 0644);
    free(path);
    if (rc < 0)
        goto cleanup;
    if ((rc = write_rendering(dir, "report.html", report, ic_report_html)) < 0)
        goto cleanup;
    rc = write_rendering(dir, "earl.jsonld", report, ic_report_earl);
cleanup:
    free(json);
    free(junit);
    return rc;
}
