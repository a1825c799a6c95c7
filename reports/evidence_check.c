#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "error.h"
#include "evidence_check.h"
#include "util.h"
#include "warc.h"

typedef struct rec_info {
    char *id; /* without angle brackets */
    char *type;
    char *digest;        /* hex, lower case; "" when none */
    char *concurrent_to; /* without angle brackets; "" when none */
    int digest_ok;
    long long offset;
} rec_info;

typedef struct rec_table {
    rec_info *v;
    size_t n, alloc;
    size_t bad;
    FILE *out;
} rec_table;

/* "<urn:uuid:x>" and "urn:uuid:x" name the same record. */
static char *
bare_id(const char *id)
{
    size_t n;

    if (!id)
        return xstrdup("");
    n = strlen(id);
    if (n >= 2 && id[0] == '<' && id[n - 1] == '>')
        return xstrndup(id + 1, n - 2);
    return xstrdup(id);
}

/* "sha256:ABC" and "abc" name the same digest. */
static char *
bare_digest(const char *d)
{
    char *s;

    if (!d)
        return xstrdup("");
    if (strncasecmp(d, "sha256:", 7) == 0)
        d += 7;
    s = xstrdup(d);
    for (char *p = s; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return s;
}

static int
collect(const ic_warc_record *rec, void *ctx)
{
    rec_table *t = ctx;
    rec_info *r;

    if (t->n == t->alloc) {
        t->alloc = t->alloc ? 2 * t->alloc : 64;
        t->v = xrealloc(t->v, t->alloc * sizeof(*t->v));
    }
    r = &t->v[t->n++];
    r->id = bare_id(rec->id);
    r->type = xstrdup(rec->type);
    r->digest = bare_digest(rec->block_digest);
    r->concurrent_to = bare_id(rec->concurrent_to);
    r->digest_ok = rec->digest_ok;
    r->offset = rec->offset;
    if (rec->digest_ok != 1) {
        char hex[IC_SHA256_HEX_LEN + 1];

        ic_sha256_hex(hex, rec->block, rec->block_len);
        t->bad++;
        if (rec->digest_ok == 0)
            fprintf(t->out,
                    "FAILED  evidence.warc: %s record %s at offset %lld%s%s: "
                    "block changed (sha256 %s, record says %s)\n",
                    rec->type, rec->id, rec->offset, rec->test ? ", test " : "",
                    rec->test ? rec->test : "", hex, rec->block_digest);
        else
            fprintf(t->out,
                    "FAILED  evidence.warc: %s record %s at offset %lld: no "
                    "sha256 block digest\n",
                    rec->type, rec->id, rec->offset);
    }
    return 0;
}

static void
table_dispose(rec_table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].id);
        free(t->v[i].type);
        free(t->v[i].digest);
        free(t->v[i].concurrent_to);
    }
    free(t->v);
}

static int
cmp_rec(const void *a, const void *b)
{
    return strcmp(((const rec_info *)a)->id, ((const rec_info *)b)->id);
}

static const rec_info *
find(const rec_table *t, const char *id)
{
    rec_info key = {0};
    char *bare = bare_id(id);
    const rec_info *r;

    key.id = bare;
    r = t->n ? bsearch(&key, t->v, t->n, sizeof(*t->v), cmp_rec) : NULL;
    free(bare);
    return r;
}

/* A failure transport has no response record: the metadata record carrying
 * the error is the one concurrent to the request. */
static const rec_info *
find_metadata(const rec_table *t, const char *request_id)
{
    char *bare = bare_id(request_id);
    const rec_info *r = NULL;

    for (size_t i = 0; i < t->n && !r; i++)
        if (strcmp(t->v[i].type, "metadata") == 0 &&
            strcmp(t->v[i].concurrent_to, bare) == 0)
            r = &t->v[i];
    free(bare);
    return r;
}

static int
check_ref(const rec_table *t, json_t *ev, const char *who, size_t k, FILE *out)
{
    const char *req = json_string_value(json_object_get(ev, "request"));
    const char *resp = json_string_value(json_object_get(ev, "response"));
    const char *sha = json_string_value(json_object_get(ev, "sha256"));
    const rec_info *rq, *rs;
    char *want = NULL, *req_bare = NULL;
    int bad = 1;

    if (!req || !sha) {
        fprintf(out,
                "FAILED  result %s evidence[%zu]: no request id or no "
                "sha256\n",
                who, k);
        return 1;
    }
    rq = find(t, req);
    if (!rq || strcmp(rq->type, "request") != 0) {
        fprintf(out, "FAILED  result %s evidence[%zu]: request record %s %s\n",
                who, k, req, rq ? "is not a request" : "not in evidence.warc");
        return 1;
    }
    rs = resp && resp[0] ? find(t, resp) : find_metadata(t, req);
    if (!rs) {
        fprintf(out,
                "FAILED  result %s evidence[%zu]: %s record %s not in "
                "evidence.warc\n",
                who, k, resp && resp[0] ? "response" : "metadata",
                resp && resp[0] ? resp : "for that request");
        return 1;
    }
    want = bare_digest(sha);
    req_bare = bare_id(req);
    if (strcmp(rs->concurrent_to, req_bare) != 0 ||
        (rq->concurrent_to[0] && strcmp(rq->concurrent_to, rs->id) != 0))
        fprintf(out,
                "FAILED  result %s evidence[%zu]: records %s and %s "
                "are not linked by WARC-Concurrent-To\n",
                who, k, req_bare, rs->id);
    else if (strcmp(rs->digest, want) != 0)
        fprintf(out,
                "FAILED  result %s evidence[%zu]: record %s has "
                "sha256 %s, report says %s\n",
                who, k, rs->id, rs->digest, want);
    else if (rs->digest_ok != 1)
        fprintf(out,
                "FAILED  result %s evidence[%zu]: record %s does not "
                "match its digest\n",
                who, k, rs->id);
    else
        bad = 0;
    free(want);
    free(req_bare);
    return bad;
}

static void
check_refs(const rec_table *t, const char *dir, FILE *out, size_t *failures)
{
    char *path = ic_path_join(dir, "report.json");
    json_error_t jerr;
    json_t *report, *results, *r;
    size_t i, nrefs = 0, bad = 0;

    report = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!report) {
        fprintf(out, "FAILED  report.json:%d:%d: %s\n", jerr.line, jerr.column,
                jerr.text);
        (*failures)++;
        goto cleanup;
    }
    results = json_object_get(report, "results");
    if (!json_is_array(results)) {
        fprintf(out, "FAILED  report.json: $.results: missing\n");
        (*failures)++;
        goto cleanup;
    }
    json_array_foreach (results, i, r) {
        json_t *evs = json_object_get(r, "evidence"), *ev;
        const char *suite = json_string_value(json_object_get(r, "suite"));
        const char *inst = json_string_value(json_object_get(r, "instance"));
        char *who;
        size_t k;

        if (!inst)
            inst = json_string_value(json_object_get(r, "test"));
        who = xasprintf("%s/%s", suite ? suite : "?", inst ? inst : "?");
        json_array_foreach (evs, k, ev) {
            nrefs++;
            bad += (size_t)check_ref(t, ev, who, k, out);
        }
        free(who);
    }
    *failures += bad;
    fprintf(out,
            "%s  evidence references: %zu of %zu resolve with matching "
            "digests\n",
            bad ? "FAILED" : "ok    ", nrefs - bad, nrefs);
cleanup:
    json_decref(report);
    free(path);
}

void
ic_evidence_check(const char *dir, FILE *out, size_t *failures)
{
    char *path = ic_path_join(dir, "evidence.warc");
    rec_table t;
    struct stat st;
    int rc;

    memset(&t, 0, sizeof(t));
    t.out = out;
    if (stat(path, &st) < 0) {
        fprintf(out, "FAILED  evidence.warc: missing\n");
        (*failures)++;
        goto cleanup;
    }
    rc = ic_warc_read(path, collect, &t);
    if (rc < 0) {
        fprintf(out, "FAILED  evidence.warc: %s\n", ic_error_last());
        fprintf(out, "FAILED  evidence references: not checked (archive "
                     "unreadable)\n");
        *failures += 2;
        goto cleanup;
    }
    *failures += t.bad;
    fprintf(out,
            "%s  evidence.warc: %zu records, %zu with a matching block "
            "digest\n",
            t.bad ? "FAILED" : "ok    ", t.n, t.n - t.bad);
    if (t.n)
        qsort(t.v, t.n, sizeof(*t.v), cmp_rec);
    for (size_t i = 1; i < t.n; i++)
        if (strcmp(t.v[i - 1].id, t.v[i].id) == 0) {
            fprintf(out, "FAILED  evidence.warc: record id %s used twice\n",
                    t.v[i].id);
            (*failures)++;
        }
    check_refs(&t, dir, out, failures);
cleanup:
    table_dispose(&t);
    free(path);
}
