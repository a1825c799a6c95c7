#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assert.h"
#include "error.h"
#include "jsonfile.h"
#include "profile.h"
#include "report.h"
#include "run.h"
#include "template.h"
#include "util.h"
#include "xml.h"

#define MSG_LEN 1024

typedef struct inst {
    size_t entry, test; /* profile entry and test index */
    size_t n;           /* instance number within the test */
    char *id;
    json_t *item;     /* foreach item or NULL */
    json_t *result;   /* report result object */
    json_t *captured; /* foreach instance: its captures, published in
                         instance order when the test completes */
    int done;
} inst;

typedef struct test_state {
    int started, complete;
    int expanding; /* instances are still being created */
    size_t total, finished;
    ic_outcome agg;
    char *cause; /* root-cause test when untested */
} test_state;

typedef struct run {
    const ic_run_opts *o;
    ic_profile *profile;
    ic_target *target;
    ic_schemas *schemas;
    const ic_transport *tx;
    test_state **state; /* [entry][test] */
    json_t **vars;      /* captures per entry */
    inst **insts;
    size_t ninsts;
    size_t done, failed, requests;
    int error; /* first fatal error code */
    char *auth_value;
    int tty;
} run;

static void
progress(run *r)
{
    if (!r->o->progress)
        return;
    fprintf(stderr, "\r%zu/%zu tests done, %zu failed ", r->done,
            r->ninsts > r->done ? r->ninsts : r->done, r->failed);
    fflush(stderr);
}

static inst *
inst_new(run *r, size_t entry, size_t test, size_t n, json_t *item)
{
    const ic_profile_entry *e = &r->profile->entries[entry];
    const ic_test *t = &e->suite->tests[test];
    inst *in = xcalloc(1, sizeof(*in));

    in->entry = entry;
    in->test = test;
    in->n = n;
    in->id = t->foreach_var ? xasprintf("%s[%zu]", t->id, n) : xstrdup(t->id);
    in->item = item ? json_incref(item) : NULL;
    in->result =
        json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:{s:s, s:s}, s:s}", "suite",
                  e->suite->id, "test", t->id, "instance", in->id, "class",
                  t->class_id, "mandatory",
                  ic_profile_class_mode(e, t->class_id) == IC_CLASS_MANDATORY,
                  "optional", t->optional, "requirement", "document",
                  t->req_document, "clause", t->req_clause, "title", t->title);
    if (item) {
        json_t *label = item;

        if (json_is_object(item)) {
            label = json_object_get(item, "name");
            if (!label || json_is_object(label))
                label = json_object_get(item, "id");
        }
        char *text = label && !json_is_object(label)
                         ? ic_json_scalar_text(label)
                         : json_dumps(item, JSON_COMPACT);

        json_object_set_new(in->result, "item", json_string(text));
        free(text);
    }
    r->insts = xrealloc(r->insts, (r->ninsts + 1) * sizeof(inst *));
    r->insts[r->ninsts++] = in;
    r->state[entry][test].total++;
    return in;
}

/* A foreach test's captures become lists, one value per passed instance,
 * in instance order (never in completion order: runs are reproducible). */
static void
publish_captures(run *r, size_t entry, size_t test)
{
    const ic_test *t = &r->profile->entries[entry].suite->tests[test];
    const char *name;
    json_t *spec;

    if (!t->captures || !t->foreach_var)
        return;
    json_object_foreach (t->captures, name, spec) {
        json_t *list = json_array();

        (void)spec;
        for (size_t n = 0;; n++) {
            inst *found = NULL;

            for (size_t i = 0; i < r->ninsts && !found; i++)
                if (r->insts[i]->entry == entry && r->insts[i]->test == test &&
                    r->insts[i]->n == n)
                    found = r->insts[i];
            if (!found)
                break;
            json_t *v = json_object_get(found->captured, name);
            if (v)
                json_array_append(list, v);
        }
        json_object_set_new(r->vars[entry], name, list);
    }
}

static void
inst_finish(run *r, inst *in, ic_outcome o, const char *msg, const char *cause)
{
    test_state *ts = &r->state[in->entry][in->test];

    json_object_set_new(in->result, "outcome", json_string(ic_outcome_name(o)));
    if (msg && *msg) {
        /* messages quote server bytes: keep them, as valid UTF-8 */
        char *text = xstrdup(msg);

        ic_utf8_sanitize(text);
        json_object_set_new(in->result, "message", json_string(text));
        free(text);
    }
    if (cause)
        json_object_set_new(in->result, "cause", json_string(cause));
    in->done = 1;
    r->done++;
    if (o == IC_FAILED)
        r->failed++;
    ts->finished++;
    /* failed > cantTell > untested > passed > inapplicable */
    static const int rank[IC_OUTCOME_COUNT] = {1, 4, 3, 0, 2};
    if (ts->finished == 1 || rank[o] > rank[ts->agg])
        ts->agg = o;
    if (cause && !ts->cause)
        ts->cause = xstrdup(cause);
    if (ts->started && !ts->expanding && ts->finished == ts->total) {
        ts->complete = 1;
        publish_captures(r, in->entry, in->test);
    }
    progress(r);
}

static void
scope_for(run *r, const inst *in, ic_scope *s, json_t *item_obj)
{
    const ic_profile_entry *e = &r->profile->entries[in->entry];

    memset(s, 0, sizeof(*s));
    ic_scope_push(s, item_obj);
    ic_scope_push(s, r->vars[in->entry]);
    ic_scope_push(s, r->profile->parameters);
    ic_scope_push(s, e->suite->parameters);
}

static json_t *
item_scope(const ic_test *t, const inst *in)
{
    json_t *o;

    if (!in->item)
        return NULL;
    o = json_object();
    json_object_set(o, t->foreach_as, in->item);
    return o;
}

/* Credentials go only to the origins the target names. */
static int
same_origin_as_endpoint(const run *r, const char *url)
{
    const char *key;
    json_t *v;

    json_object_foreach (r->target->endpoints, key, v) {
        const char *ep = json_string_value(v);
        const char *host = strstr(ep, "://");
        size_t n =
            host ? (size_t)(host + 3 - ep) + strcspn(host + 3, "/?#") : 0;

        if (n && strncmp(url, ep, n) == 0 && strchr("/?#", url[n]))
            return 1;
    }
    return 0;
}

static int
submit_instance(run *r, inst *in)
{
    const ic_profile_entry *e = &r->profile->entries[in->entry];
    const ic_test *t = &e->suite->tests[in->test];
    json_t *item = item_scope(t, in), *req = NULL, *v;
    const char *endpoint_key, *endpoint, *key;
    char err[MSG_LEN], *url = NULL;
    const char **headers = NULL;
    size_t nheaders = 0;
    ic_scope s;
    ic_http_req hr;
    int rc = 0, w;

    scope_for(r, in, &s, item);
    if (t->when) {
        w = ic_when_eval(t->when, &s, err, sizeof(err));
        if (w < 0) {
            inst_finish(r, in, IC_CANTTELL, err, NULL);
            goto cleanup;
        }
        if (w == 0) {
            char *c = json_dumps(t->when, JSON_COMPACT);

            snprintf(err, sizeof(err), "condition not met: %s", c);
            free(c);
            inst_finish(r, in, IC_INAPPLICABLE, err, NULL);
            goto cleanup;
        }
    }
    if (ic_template_expand_json(&req, t->request, &s, err, sizeof(err)) < 0) {
        inst_finish(r, in, IC_CANTTELL, err, NULL);
        goto cleanup;
    }
    if (json_object_get(req, "url")) {
        /* an absolute URL taken from a response (paging links, references) */
        const char *abs = json_string_value(json_object_get(req, "url"));

        if (strncmp(abs, "http://", 7) != 0 &&
            strncmp(abs, "https://", 8) != 0) {
            snprintf(err, sizeof(err),
                     "request URL \"%.200s\" is not an http(s) URL", abs);
            inst_finish(r, in, IC_FAILED, err, NULL);
            goto cleanup;
        }
        url = ic_http_url(abs, NULL, json_object_get(req, "query"),
                          json_string_value(json_object_get(req, "raw_query")));
    } else {
        endpoint_key = json_string_value(json_object_get(req, "endpoint"));
        if (!endpoint_key)
            endpoint_key = e->suite->endpoint;
        endpoint = json_string_value(
            json_object_get(r->target->endpoints, endpoint_key));
        if (!endpoint) {
            snprintf(
                err, sizeof(err),
                "the target has no endpoint \"%s\" (add it to \"endpoints\" "
                "in %s)",
                endpoint_key, r->target->path);
            inst_finish(r, in, IC_CANTTELL, err, NULL);
            goto cleanup;
        }
        url = ic_http_url(endpoint,
                          json_string_value(json_object_get(req, "path")),
                          json_object_get(req, "query"),
                          json_string_value(json_object_get(req, "raw_query")));
    }
    json_object_foreach (json_object_get(req, "headers"), key, v) {
        char *text = ic_json_scalar_text(v);

        headers = xrealloc(headers, (nheaders + 2) * sizeof(char *));
        headers[nheaders++] = xasprintf("%s: %s", key, text);
        free(text);
    }
    if (r->auth_value && same_origin_as_endpoint(r, url)) {
        headers = xrealloc(headers, (nheaders + 2) * sizeof(char *));
        headers[nheaders++] =
            xasprintf("%s: %s", r->target->auth_header, r->auth_value);
    }
    memset(&hr, 0, sizeof(hr));
    hr.method = json_string_value(json_object_get(req, "method"));
    if (!hr.method)
        hr.method = "GET";
    hr.url = url;
    hr.headers = headers;
    hr.nheaders = nheaders;
    hr.body = json_string_value(json_object_get(req, "body"));
    {
        char *shown = ic_http_redact_url(
            url, (const char *const *)r->target->secrets, r->target->nsecrets);
        char *line = xasprintf("%s %s", hr.method, shown);

        json_object_set_new(in->result, "request", json_string(line));
        free(line);
        free(shown);
    }
    rc = r->tx->submit(r->tx->self, in->id, &hr, in);
    if (rc == 0)
        r->requests++;
cleanup:
    for (size_t i = 0; i < nheaders; i++)
        free((char *)headers[i]);
    free(headers);
    free(url);
    json_decref(req);
    json_decref(item);
    return rc;
}

static void
on_response(void *ctx, void *user, ic_response *resp)
{
    run *r = ctx;
    inst *in = user;
    const ic_profile_entry *e = &r->profile->entries[in->entry];
    const ic_test *t = &e->suite->tests[in->test];
    json_t *item = item_scope(t, in), *a, *spec;
    ic_outcome o = IC_PASSED;
    char msg[MSG_LEN] = "", first_cant[MSG_LEN] = "";
    ic_scope s;
    ic_eval ev;
    size_t i;

    scope_for(r, in, &s, item);
    json_object_set_new(in->result, "status", json_integer(resp->status));
    json_object_set_new(in->result, "seconds", json_real(resp->seconds));
    if (r->o->on_exchange &&
        r->o->on_exchange(r->o->exchange_ctx, in->id, resp, in->result) < 0 &&
        !r->error)
        r->error = IC_ERUNTIME;
    ic_eval_init(&ev, resp, e->suite->namespaces, e->suite->schemas,
                 r->schemas);
    ev.scope = &s;
    ev.annotations = in->result;
    if (resp->transport_error) {
        inst_finish(r, in, IC_CANTTELL, resp->transport_error, NULL);
        goto cleanup;
    }
    json_array_foreach (t->asserts, i, a) {
        char one[MSG_LEN];
        ic_outcome ao;

        if (ic_template_expand_json(&spec, a, &s, one, sizeof(one)) < 0) {
            ao = IC_CANTTELL;
        } else {
            ao = ic_assert_eval(&ev, spec, one, sizeof(one));
            json_decref(spec);
        }
        if (ao == IC_FAILED) {
            o = IC_FAILED;
            snprintf(msg, sizeof(msg), "%s", one);
            break;
        }
        if (ao == IC_CANTTELL && o == IC_PASSED) {
            o = IC_CANTTELL;
            snprintf(first_cant, sizeof(first_cant), "%s", one);
        }
    }
    if (o == IC_CANTTELL)
        snprintf(msg, sizeof(msg), "%s", first_cant);
    if (o == IC_PASSED && t->captures) {
        const char *name;

        json_object_foreach (t->captures, name, a) {
            json_t *value = NULL;

            if (ic_template_expand_json(&spec, a, &s, msg, sizeof(msg)) < 0) {
                o = IC_CANTTELL;
                break;
            }
            if (ic_capture_eval(&ev, spec, &value, msg, sizeof(msg)) < 0) {
                json_decref(spec);
                o = IC_FAILED;
                break;
            }
            json_decref(spec);
            if (t->foreach_var) {
                if (!in->captured)
                    in->captured = json_object();
                json_object_set_new(in->captured, name, value);
            } else {
                json_object_set_new(r->vars[in->entry], name, value);
            }
        }
    }
    inst_finish(r, in, o, msg, NULL);
cleanup:
    ic_eval_dispose(&ev);
    ic_response_dispose(resp);
    free(resp);
    json_decref(item);
}

/* Decide what a test whose needs are complete does; returns 1 if started. */
static void
start_test(run *r, size_t entry, size_t ti)
{
    const ic_profile_entry *e = &r->profile->entries[entry];
    const ic_test *t = &e->suite->tests[ti];
    test_state *ts = &r->state[entry][ti];
    char msg[MSG_LEN];
    ic_scope s;
    size_t i;

    ts->started = 1;
    ts->expanding = 1;
    if (ic_profile_class_mode(e, t->class_id) == IC_CLASS_SKIP) {
        ts->expanding = 0;
        ts->complete = 1;
        return;
    }
    for (i = 0; i < t->nneeds; i++) {
        const test_state *need = &r->state[entry][t->need_index[i]];
        const ic_test *nt = &e->suite->tests[t->need_index[i]];

        if (need->total == 0 && need->complete &&
            ic_profile_class_mode(e, nt->class_id) == IC_CLASS_SKIP) {
            snprintf(msg, sizeof(msg),
                     "needs \"%s\", whose class \"%s\" the profile does not "
                     "run",
                     nt->id, nt->class_id);
            inst_finish(r, inst_new(r, entry, ti, 0, NULL), IC_UNTESTED, msg,
                        nt->id);
            goto check_complete;
        }
        if (need->agg == IC_PASSED)
            continue;
        if (need->agg == IC_INAPPLICABLE) {
            snprintf(msg, sizeof(msg), "needs \"%s\", which is inapplicable",
                     nt->id);
            inst_finish(r, inst_new(r, entry, ti, 0, NULL), IC_INAPPLICABLE,
                        msg, NULL);
            goto check_complete;
        }
        const char *root =
            need->agg == IC_UNTESTED && need->cause ? need->cause : nt->id;
        snprintf(msg, sizeof(msg), "prerequisite \"%s\" %s", nt->id,
                 ic_outcome_name(need->agg));
        inst_finish(r, inst_new(r, entry, ti, 0, NULL), IC_UNTESTED, msg, root);
        goto check_complete;
    }
    if (!t->foreach_var) {
        inst *in = inst_new(r, entry, ti, 0, NULL);

        if (submit_instance(r, in) < 0 && !r->error)
            r->error = IC_ERUNTIME;
        goto check_complete;
    }
    {
        inst tmp = {.entry = entry, .test = ti};
        const json_t *list;
        json_t *item;
        char *maxs = NULL;
        long max = 50;

        scope_for(r, &tmp, &s, NULL);
        list = ic_scope_lookup(&s, t->foreach_var);
        if (json_is_string(t->foreach_max)) {
            if (ic_template_expand(&maxs, json_string_value(t->foreach_max), &s,
                                   msg, sizeof(msg)) == 0)
                max = strtol(maxs, NULL, 10);
            free(maxs);
        } else {
            max = (long)json_integer_value(t->foreach_max);
        }
        if (!list || !json_is_array(list)) {
            snprintf(msg, sizeof(msg), "foreach: ${%s} is %s", t->foreach_var,
                     list ? "not a list" : "not defined");
            inst_finish(r, inst_new(r, entry, ti, 0, NULL), IC_CANTTELL, msg,
                        NULL);
            goto check_complete;
        }
        if (json_array_size(list) == 0) {
            snprintf(msg, sizeof(msg), "foreach: ${%s} has no items",
                     t->foreach_var);
            inst_finish(r, inst_new(r, entry, ti, 0, NULL), IC_INAPPLICABLE,
                        msg, NULL);
            goto check_complete;
        }
        json_array_foreach (list, i, item) {
            if ((long)i >= max)
                break;
            if (submit_instance(r, inst_new(r, entry, ti, i, item)) < 0 &&
                !r->error)
                r->error = IC_ERUNTIME;
        }
    }
check_complete:
    ts->expanding = 0;
    if (ts->finished == ts->total) {
        ts->complete = 1;
        publish_captures(r, entry, ti);
    }
}

static int
needs_complete(run *r, size_t entry, const ic_test *t)
{
    for (size_t i = 0; i < t->nneeds; i++)
        if (!r->state[entry][t->need_index[i]].complete)
            return 0;
    return 1;
}

/* Start every test whose prerequisites are complete; 1 if any started. */
static int
schedule(run *r)
{
    int any = 0;

    for (size_t e = 0; e < r->profile->nentries; e++) {
        const ic_suite *s = r->profile->entries[e].suite;

        for (size_t i = 0; i < s->ntests; i++)
            if (!r->state[e][i].started && needs_complete(r, e, &s->tests[i])) {
                start_test(r, e, i);
                any = 1;
            }
    }
    return any;
}

static int
all_complete(run *r)
{
    for (size_t e = 0; e < r->profile->nentries; e++)
        for (size_t i = 0; i < r->profile->entries[e].suite->ntests; i++)
            if (!r->state[e][i].complete)
                return 0;
    return 1;
}

/* ---- live transport ---------------------------------------------------- */

static int
live_submit(void *self, const char *instance, const ic_http_req *req,
            void *user)
{
    (void)instance;
    return ic_http_submit(self, req, user);
}

static int
live_step(void *self, int timeout_ms, ic_http_done_fn done, void *ctx)
{
    return ic_http_step(self, timeout_ms, done, ctx);
}

static size_t
live_running(void *self)
{
    return ic_http_running(self);
}

/* ---- report ------------------------------------------------------------- */

static int
cmp_inst(const void *a, const void *b)
{
    const inst *x = *(const inst *const *)a, *y = *(const inst *const *)b;

    if (x->entry != y->entry)
        return x->entry < y->entry ? -1 : 1;
    if (x->test != y->test)
        return x->test < y->test ? -1 : 1;
    return x->n < y->n ? -1 : x->n > y->n;
}

/* The target's endpoints as the report shows them: secret query
 * parameters (map keys, API keys) redacted. */
static json_t *
redacted_endpoints(const ic_target *t)
{
    json_t *out = json_object(), *v;
    const char *key;

    json_object_foreach (t->endpoints, key, v) {
        char *url = ic_http_redact_url(
            json_string_value(v), (const char *const *)t->secrets, t->nsecrets);

        json_object_set_new(out, key, json_string(url));
        free(url);
    }
    return out;
}

static json_t *
build_report(run *r, const char *started, const char *finished)
{
    json_t *rep, *suites = json_array(), *results = json_array();

    for (size_t e = 0; e < r->profile->nentries; e++) {
        const ic_profile_entry *pe = &r->profile->entries[e];
        const ic_suite *s = pe->suite;
        json_t *cls = json_array();

        for (size_t c = 0; c < s->nclasses; c++) {
            ic_class_mode m = ic_profile_class_mode(pe, s->classes[c].id);

            if (m == IC_CLASS_SKIP)
                continue;
            json_array_append_new(
                cls, json_pack("{s:s, s:s, s:b}", "id", s->classes[c].id,
                               "title", s->classes[c].title, "mandatory",
                               m == IC_CLASS_MANDATORY));
        }
        json_array_append_new(
            suites,
            json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s?}, s:o}", "id",
                      s->id, "version", s->version, "title", s->title, "sha256",
                      s->sha256, "standard", "document", s->std_document,
                      "title", s->std_title, "edition", s->std_edition,
                      "classes", cls));
    }
    qsort(r->insts, r->ninsts, sizeof(inst *), cmp_inst);
    for (size_t i = 0; i < r->ninsts; i++)
        json_array_append(results, r->insts[i]->result);
    rep = json_pack(
        "{s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s}, s:o, s:o, "
        "s:{s:O, s:o, s:s, s:s}, s:s, s:s, s:o}",
        "format", "isrcert-report/1", "runner", "name", PACKAGE_NAME, "version",
        PACKAGE_VERSION, "profile", "id", r->profile->id, "version",
        r->profile->version, "title", r->profile->title, "sha256",
        r->profile->sha256, "path", r->profile->path, "suites", suites,
        "schemas", r->schemas ? ic_schemas_report(r->schemas) : json_array(),
        "target", "system", r->target->system, "endpoints",
        redacted_endpoints(r->target), "sha256", r->target->sha256, "path",
        r->target->path, "started", started, "finished", finished, "results",
        results);
    ic_report_summarize(rep);
    json_object_set_new(json_object_get(rep, "summary"), "requests",
                        json_integer((json_int_t)r->requests));
    return rep;
}

int
ic_run_execute(json_t **report, const ic_run_opts *o,
               const ic_transport *transport)
{
    run r;
    ic_http *http = NULL;
    ic_transport live;
    ic_http_opts hopts;
    char started[40], finished[40];
    int rc;

    *report = NULL;
    memset(&r, 0, sizeof(r));
    r.o = o;
    ic_time_now_rfc3339(started, sizeof(started));
    if ((rc = ic_profile_load(&r.profile, o->profile)) < 0 ||
        (rc = o->target_doc
                  ? ic_target_from_doc(&r.target, o->target_doc, "report.json")
                  : ic_target_load(&r.target, o->target)) < 0 ||
        (rc = ic_schemas_new(&r.schemas, o->catalog)) < 0)
        goto cleanup;
    if (r.target->auth_env && !o->replay) {
        const char *v = getenv(r.target->auth_env);

        if (!v || !*v) {
            rc = ic_error_set(IC_EINPUT,
                              "%s: $.auth.env: environment variable %s is "
                              "not set",
                              r.target->path, r.target->auth_env);
            goto cleanup;
        }
        r.auth_value = xstrdup(v);
    }
    if (!transport) {
        hopts = o->http;
        hopts.secrets = (const char *const *)r.target->secrets;
        hopts.nsecrets = r.target->nsecrets;
        hopts.secret_value = r.auth_value;
        if (r.target->ca_file && !hopts.ca_file)
            hopts.ca_file = r.target->ca_file;
        if ((rc = ic_http_new(&http, &hopts)) < 0)
            goto cleanup;
        live.submit = live_submit;
        live.step = live_step;
        live.running = live_running;
        live.self = http;
        transport = &live;
    }
    r.tx = transport;
    r.state = xcalloc(r.profile->nentries, sizeof(test_state *));
    r.vars = xcalloc(r.profile->nentries, sizeof(json_t *));
    for (size_t e = 0; e < r.profile->nentries; e++) {
        r.state[e] =
            xcalloc(r.profile->entries[e].suite->ntests, sizeof(test_state));
        r.vars[e] = json_object();
    }
    while (!all_complete(&r) && !r.error) {
        int started_any = schedule(&r);

        if (transport->running(transport->self) > 0) {
            if ((rc = transport->step(transport->self, 200, on_response, &r)) <
                0)
                goto cleanup;
        } else if (!started_any && !all_complete(&r)) {
            rc = ic_error_set(IC_ERUNTIME, "scheduler stalled");
            goto cleanup;
        }
    }
    if (r.error) {
        rc = r.error;
        goto cleanup;
    }
    if (o->progress)
        fputc('\n', stderr);
    ic_time_now_rfc3339(finished, sizeof(finished));
    *report = build_report(&r, started, finished);
    rc = IC_OK;
cleanup:
    ic_http_free(http);
    for (size_t i = 0; i < r.ninsts; i++) {
        free(r.insts[i]->id);
        json_decref(r.insts[i]->item);
        json_decref(r.insts[i]->result);
        json_decref(r.insts[i]->captured);
        free(r.insts[i]);
    }
    free(r.insts);
    for (size_t e = 0; r.profile && e < r.profile->nentries; e++) {
        if (r.state) {
            for (size_t i = 0; i < r.profile->entries[e].suite->ntests; i++)
                free(r.state[e][i].cause);
            free(r.state[e]);
        }
        if (r.vars)
            json_decref(r.vars[e]);
    }
    free(r.state);
    free(r.vars);
    free(r.auth_value);
    ic_schemas_free(r.schemas);
    ic_target_free(r.target);
    ic_profile_free(r.profile);
    return rc;
}
