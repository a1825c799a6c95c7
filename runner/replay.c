#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "jsonfile.h"
#include "profile.h"
#include "replay.h"
#include "response.h"
#include "run.h"
#include "util.h"
#include "warc.h"

typedef struct recorded {
    char *instance;
    char *request_uri;
    char *block; /* response record block (owned) */
    size_t len;
    char *transport_error;
} recorded;

typedef struct pending {
    void *user;
    ic_response *resp;
} pending;

typedef struct replay {
    recorded *recs;
    size_t nrecs;
    pending *queue;
    size_t nqueue;
} replay;

static int
collect(const ic_warc_record *rec, void *ctx)
{
    replay *rp = ctx;
    recorded *r;

    if (!rec->test || (strcmp(rec->type, "response") != 0 &&
                       strcmp(rec->type, "metadata") != 0))
        return 0;
    rp->recs = xrealloc(rp->recs, (rp->nrecs + 1) * sizeof(*rp->recs));
    r = &rp->recs[rp->nrecs++];
    memset(r, 0, sizeof(*r));
    r->instance = xstrdup(rec->test);
    r->request_uri = xstrdup(rec->target_uri ? rec->target_uri : "");
    if (strcmp(rec->type, "metadata") == 0) {
        const char *p = memmem(rec->block, rec->block_len, "error: ", 7);
        size_t n;

        p = p ? p + 7 : (const char *)rec->block;
        n = rec->block_len - (size_t)(p - (const char *)rec->block);
        r->transport_error =
            xstrndup(p, strcspn(p, "\r\n") < n ? strcspn(p, "\r\n") : n);
    } else {
        r->block = xstrndup((const char *)rec->block, rec->block_len);
        r->len = rec->block_len;
    }
    return 0;
}

static int
rp_submit(void *self, const char *instance, const ic_http_req *req, void *user)
{
    replay *rp = self;
    ic_response *r = xcalloc(1, sizeof(*r));
    recorded *rec = NULL;

    for (size_t i = 0; i < rp->nrecs; i++)
        if (strcmp(rp->recs[i].instance, instance) == 0)
            rec = &rp->recs[i];
    ic_response_init(r);
    r->method = xstrdup(req->method ? req->method : "GET");
    r->url = xstrdup(req->url);
    if (!rec) {
        r->transport_error =
            xasprintf("no recorded exchange for %s in evidence.warc", instance);
    } else if (rec->transport_error) {
        r->transport_error = xstrdup(rec->transport_error);
    } else {
        char *sep = strstr(rec->block, "\r\n\r\n");
        size_t hlen = sep ? (size_t)(sep - rec->block) + 4 : rec->len;

        r->header_raw = xstrndup(rec->block, hlen);
        r->header_len = hlen;
        ic_response_parse_headers(r, r->header_raw, r->header_len);
        r->body_len = rec->len - hlen;
        r->body = (unsigned char *)xstrndup(rec->block + hlen, r->body_len);
    }
    rp->queue = xrealloc(rp->queue, (rp->nqueue + 1) * sizeof(*rp->queue));
    rp->queue[rp->nqueue].user = user;
    rp->queue[rp->nqueue].resp = r;
    rp->nqueue++;
    return 0;
}

static int
rp_step(void *self, int timeout_ms, ic_http_done_fn done, void *ctx)
{
    replay *rp = self;
    size_t n = rp->nqueue;
    pending *q = rp->queue;

    (void)timeout_ms;
    rp->queue = NULL;
    rp->nqueue = 0;
    for (size_t i = 0; i < n; i++)
        done(ctx, q[i].user, q[i].resp);
    free(q);
    return 0;
}

static size_t
rp_running(void *self)
{
    return ((replay *)self)->nqueue;
}

static const json_t *
find_result(const json_t *report, const char *instance, const char *suite)
{
    json_t *r;
    size_t i;

    json_array_foreach (json_object_get(report, "results"), i, r) {
        if (strcmp(json_string_value(json_object_get(r, "instance")),
                   instance) == 0 &&
            strcmp(json_string_value(json_object_get(r, "suite")), suite) == 0)
            return r;
    }
    return NULL;
}

static int
compare(const json_t *recorded_report, const json_t *replayed, FILE *out)
{
    json_t *r;
    size_t i, diffs = 0, same = 0;

    json_array_foreach (json_object_get(replayed, "results"), i, r) {
        const char *inst = json_string_value(json_object_get(r, "instance"));
        const char *suite = json_string_value(json_object_get(r, "suite"));
        const json_t *orig = find_result(recorded_report, inst, suite);
        const char *a = json_string_value(json_object_get(r, "outcome"));
        const char *b =
            orig ? json_string_value(json_object_get(orig, "outcome")) : NULL;

        if (!b) {
            fprintf(out, "replay: %s %s: replayed as %s, not in the report\n",
                    suite, inst, a);
            diffs++;
        } else if (strcmp(a, b) != 0) {
            const char *m = json_string_value(json_object_get(r, "message"));

            fprintf(out,
                    "replay: %s %s: report says %s, evidence gives %s%s%s\n",
                    suite, inst, b, a, m ? ": " : "", m ? m : "");
            diffs++;
        } else {
            same++;
        }
    }
    json_array_foreach (json_object_get(recorded_report, "results"), i, r) {
        const char *inst = json_string_value(json_object_get(r, "instance"));
        const char *suite = json_string_value(json_object_get(r, "suite"));

        if (!find_result(replayed, inst, suite)) {
            fprintf(out, "replay: %s %s: in the report, not reproduced\n",
                    suite, inst);
            diffs++;
        }
    }
    fprintf(out, "replay: %zu verdicts reproduced, %zu differ\n", same, diffs);
    return diffs ? 1 : 0;
}

int
ic_replay_run(const char *dir, FILE *out, void *ctx)
{
    char *rpath = ic_path_join(dir, "report.json");
    char *wpath = ic_path_join(dir, "evidence.warc");
    json_t *report = NULL, *replayed = NULL, *profile;
    replay rp;
    ic_transport tx = {rp_submit, rp_step, rp_running, &rp};
    ic_run_opts o;
    char sha[IC_SHA256_HEX_LEN + 1];
    const char *ppath, *psha;
    char *found = NULL;
    int rc;

    memset(&rp, 0, sizeof(rp));
    if ((rc = ic_json_load_file(&report, rpath)) < 0 ||
        (rc = ic_warc_read(wpath, collect, &rp)) < 0)
        goto cleanup;
    profile = json_object_get(report, "profile");
    ppath = json_string_value(json_object_get(profile, "path"));
    psha = json_string_value(json_object_get(profile, "sha256"));
    if (!ppath || ic_sha256_file_hex(sha, ppath) < 0) {
        /* the recorded path is gone: look the profile up by id */
        char *file = xasprintf(
            "%s.json", json_string_value(json_object_get(profile, "id")));
        found = ic_data_find("profiles", file);
        free(file);
        if (!found || ic_sha256_file_hex(sha, found) < 0) {
            rc = ic_error_set(
                IC_EINPUT, "replay: profile %s is not available here",
                json_string_value(json_object_get(profile, "id")));
            goto cleanup;
        }
        ppath = found;
    }
    if (!psha || strcmp(sha, psha) != 0) {
        fprintf(out,
                "replay: profile %s differs from the one the run used "
                "(SHA-256 %s, report says %s)\n",
                ppath, sha, psha ? psha : "none");
        rc = 1;
        goto cleanup;
    }
    memset(&o, 0, sizeof(o));
    ic_http_opts_default(&o.http);
    o.profile = ppath;
    o.target_doc = json_object_get(report, "target");
    o.catalog = ctx;
    o.replay = 1;
    if ((rc = ic_run_execute(&replayed, &o, &tx)) < 0)
        goto cleanup;
    rc = compare(report, replayed, out);
cleanup:
    for (size_t i = 0; i < rp.nrecs; i++) {
        free(rp.recs[i].instance);
        free(rp.recs[i].request_uri);
        free(rp.recs[i].block);
        free(rp.recs[i].transport_error);
    }
    free(rp.recs);
    for (size_t i = 0; i < rp.nqueue; i++) {
        ic_response_dispose(rp.queue[i].resp);
        free(rp.queue[i].resp);
    }
    free(rp.queue);
    json_decref(report);
    json_decref(replayed);
    free(found);
    free(rpath);
    free(wpath);
    return rc;
}
