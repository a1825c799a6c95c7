#include "config.h"

#include <string.h>

#include "earl.h"
#include "error.h"
#include "outcome.h"
#include "util.h"

static const char *
str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* Set key to the string s unless s is empty. */
static void
set_str(json_t *o, const char *key, const char *s)
{
    if (s && *s)
        json_object_set_new(o, key, json_string(s));
}

static json_t *
id_ref(const char *id)
{
    return json_pack("{s:s}", "@id", id);
}

static json_t *
context_new(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:{s:s}}", "earl",
                     "http://www.w3.org/ns/earl#", "dct",
                     "http://purl.org/dc/terms/", "foaf",
                     "http://xmlns.com/foaf/0.1/", "xsd",
                     "http://www.w3.org/2001/XMLSchema#", "dct:date", "@type",
                     "xsd:dateTime");
}

static json_t *
assertor_new(const json_t *report)
{
    const json_t *runner = json_object_get(report, "runner");
    json_t *a =
        json_pack("{s:s, s:s}", "@id", "_:assertor", "@type", "earl:Software");

    set_str(a, "dct:title",
            *str(runner, "name") ? str(runner, "name") : PACKAGE_NAME);
    set_str(a, "dct:hasVersion", str(runner, "version"));
    return a;
}

/* The system under test; its nation is the jurisdiction it is fielded
 * under (dct:coverage). */
static json_t *
subject_new(const json_t *report)
{
    const json_t *target = json_object_get(report, "target");
    const json_t *sys = json_object_get(target, "system");
    json_t *s = json_pack("{s:s, s:[s, s]}", "@id", "_:subject", "@type",
                          "earl:TestSubject", "earl:Software");

    set_str(s, "dct:title", str(sys, "name"));
    set_str(s, "dct:hasVersion", str(sys, "version"));
    if (*str(sys, "vendor"))
        json_object_set_new(s, "dct:creator",
                            json_pack("{s:s, s:s}", "@type",
                                      "foaf:Organization", "foaf:name",
                                      str(sys, "vendor")));
    set_str(s, "dct:coverage", str(sys, "nation"));
    return s;
}

static json_t *
test_new(const json_t *res)
{
    const json_t *req = json_object_get(res, "requirement");
    json_t *t = json_pack("{s:s}", "@type", "earl:TestCase");
    char *id = xasprintf("%s/%s", str(res, "suite"), str(res, "test"));
    char *source =
        xasprintf("%s%s%s", str(req, "document"),
                  *str(req, "clause") ? ", " : "", str(req, "clause"));

    set_str(t, "dct:identifier", id);
    set_str(t, "dct:title", str(res, "title"));
    set_str(t, "dct:source", source);
    free(id);
    free(source);
    return t;
}

/* Evidence record ids ("<urn:uuid:...>") as IRIs the result refers to. */
static json_t *
references_new(const json_t *res)
{
    static const char *const keys[] = {"request", "response"};
    json_t *refs = json_array(), *ev;
    size_t i;

    json_array_foreach (json_object_get(res, "evidence"), i, ev) {
        for (size_t k = 0; k < 2; k++) {
            const char *v = str(ev, keys[k]);
            size_t n = strlen(v);

            if (n > 2 && v[0] == '<' && v[n - 1] == '>') {
                char *iri = xstrndup(v + 1, n - 2);

                json_array_append_new(refs, id_ref(iri));
                free(iri);
            }
        }
    }
    return refs;
}

static json_t *
result_new(const json_t *res, const char *date)
{
    const char *o = json_string_value(json_object_get(res, "outcome"));
    int i = o ? ic_outcome_parse(o) : -1;
    char *outcome =
        xasprintf("earl:%s", ic_outcome_name(i < 0 ? IC_CANTTELL : i));
    json_t *r = json_pack("{s:s, s:o}", "@type", "earl:TestResult",
                          "earl:outcome", id_ref(outcome));
    json_t *refs = references_new(res);
    char *desc;

    /* an untested result names the prerequisite that did not pass */
    if (*str(res, "cause"))
        desc = xasprintf("%s%sroot cause: %s", str(res, "message"),
                         *str(res, "message") ? "; " : "", str(res, "cause"));
    else
        desc = xstrdup(str(res, "message"));
    set_str(r, "dct:description", desc);
    set_str(r, "dct:date", date);
    if (json_array_size(refs) > 0)
        json_object_set(r, "dct:references", refs);
    json_decref(refs);
    free(desc);
    free(outcome);
    return r;
}

int
ic_report_earl(char **out, size_t *len, const json_t *report)
{
    const char *date = *str(report, "finished") ? str(report, "finished")
                                                : str(report, "started");
    json_t *doc = NULL, *graph = json_array(), *res;
    size_t i;
    int rc = IC_OK;

    *out = NULL;
    *len = 0;
    json_array_append_new(graph, assertor_new(report));
    json_array_append_new(graph, subject_new(report));
    json_array_foreach (json_object_get(report, "results"), i, res) {
        json_t *a =
            json_pack("{s:s, s:o, s:o, s:o, s:o}", "@type", "earl:Assertion",
                      "earl:assertedBy", id_ref("_:assertor"), "earl:subject",
                      id_ref("_:subject"), "earl:test", test_new(res),
                      "earl:mode", id_ref("earl:automatic"));
        char *instance =
            xasprintf("%s/%s%s%s", str(res, "suite"), str(res, "instance"),
                      *str(res, "item") ? " " : "", str(res, "item"));

        set_str(a, "dct:identifier", instance);
        json_object_set_new(a, "earl:result", result_new(res, date));
        json_array_append_new(graph, a);
        free(instance);
    }
    doc = json_pack("{s:o, s:o}", "@context", context_new(), "@graph", graph);
    graph = NULL;
    if (!doc) {
        rc = ic_error_set(IC_ERUNTIME, "cannot build the EARL document");
        goto cleanup;
    }
    *out = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!*out) {
        rc = ic_error_set(IC_ERUNTIME, "cannot serialise the EARL document");
        goto cleanup;
    }
    *len = strlen(*out);
cleanup:
    json_decref(doc);
    return rc;
}
