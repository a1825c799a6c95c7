#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "error.h"
#include "statement.h"
#include "util.h"

typedef struct namelist {
    char **v;
    size_t n, alloc;
} namelist;

static void
names_push(namelist *l, char *name)
{
    if (l->n == l->alloc) {
        l->alloc = l->alloc ? 2 * l->alloc : 16;
        l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
    }
    l->v[l->n++] = name;
}

void
ic_statement_names_free(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

static int
is_temp_name(const char *name)
{
    /* ic_file_write_atomic and ic_warc_open write NAME.tmp.PID */
    return strstr(name, ".tmp.") != NULL;
}

static int
walk(namelist *l, const char *root, const char *rel)
{
    char *path = rel ? ic_path_join(root, rel) : xstrdup(root);
    DIR *d = opendir(path);
    struct dirent *e;
    int rc = IC_OK;

    if (!d) {
        rc = ic_error_set(IC_EINPUT, "%s: %s", path, strerror(errno));
        goto cleanup;
    }
    while ((e = readdir(d)) != NULL) {
        char *name, *full;
        struct stat st;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        name = rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
        full = ic_path_join(root, name);
        if (lstat(full, &st) < 0) {
            rc = ic_error_set(IC_EINPUT, "%s: %s", full, strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk(l, root, name);
        } else if (S_ISREG(st.st_mode) && !is_temp_name(e->d_name) &&
                   strcmp(name, IC_CERTIFICATE_FILE) != 0) {
            names_push(l, name);
            name = NULL;
        }
        free(name);
        free(full);
        if (rc < 0)
            goto cleanup;
    }
cleanup:
    if (d)
        closedir(d);
    free(path);
    return rc;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
ic_statement_subject_files(char ***names, size_t *n, const char *dir)
{
    namelist l = {NULL, 0, 0};
    int rc = walk(&l, dir, NULL);

    if (rc < 0) {
        ic_statement_names_free(l.v, l.n);
        *names = NULL;
        *n = 0;
        return rc;
    }
    if (l.n)
        qsort(l.v, l.n, sizeof(*l.v), cmp_names);
    *names = l.v;
    *n = l.n;
    return IC_OK;
}

/* ---- predicate ---- */

static int
need(json_t **out, json_t *obj, const char *key, const char *path,
     const char *where, int (*is)(const json_t *))
{
    *out = json_object_get(obj, key);
    if (!*out || !is(*out))
        return ic_error_set(IC_EINPUT, "%s: %s.%s: %s", path, where, key,
                            *out ? "wrong type" : "missing");
    return IC_OK;
}

static int
is_object(const json_t *j)
{
    return json_is_object(j);
}

static int
is_array(const json_t *j)
{
    return json_is_array(j);
}

static int
is_string(const json_t *j)
{
    return json_is_string(j);
}

/* Copy the listed members of obj that are present. */
static json_t *
pick(json_t *obj, const char *const *keys)
{
    json_t *o = json_object();

    for (; *keys; keys++) {
        json_t *v = json_object_get(obj, *keys);

        if (v)
            json_object_set_new(o, *keys, json_deep_copy(v));
    }
    return o;
}

static json_t *
pick_each(json_t *arr, const char *const *keys)
{
    json_t *out = json_array(), *v;
    size_t i;

    json_array_foreach (arr, i, v) {
        json_array_append_new(out, pick(v, keys));
    }
    return out;
}

static int
build_predicate(json_t **out, json_t *report, const char *path,
                const char *centre, const char *keyid)
{
    static const char *const profile_keys[] = {"id", "version", "title",
                                               "sha256", NULL};
    static const char *const suite_keys[] = {"id", "version", "sha256",
                                             "standard", NULL};
    static const char *const schema_keys[] = {"key", "url", "sha256", NULL};
    static const char *const class_keys[] = {"suite",  "class",   "mandatory",
                                             "counts", "verdict", NULL};
    static const char *const target_keys[] = {"system", "endpoints", "sha256",
                                              NULL};
    json_t *fmt, *runner, *profile, *suites, *schemas = NULL, *target, *started,
                                             *finished, *classes, *summary,
                                             *verdict, *p, *tc;
    char signed_at[32];
    int rc;

    *out = NULL;
    if ((rc = need(&fmt, report, "format", path, "$", is_string)) < 0)
        return rc;
    if (strcmp(json_string_value(fmt), "isrcert-report/1") != 0)
        return ic_error_set(IC_EINPUT,
                            "%s: $.format: expected "
                            "\"isrcert-report/1\"",
                            path);
    if ((rc = need(&runner, report, "runner", path, "$", is_object)) < 0 ||
        (rc = need(&profile, report, "profile", path, "$", is_object)) < 0 ||
        (rc = need(&suites, report, "suites", path, "$", is_array)) < 0 ||
        (rc = need(&target, report, "target", path, "$", is_object)) < 0 ||
        (rc = need(&started, report, "started", path, "$", is_string)) < 0 ||
        (rc = need(&finished, report, "finished", path, "$", is_string)) < 0 ||
        (rc = need(&classes, report, "classes", path, "$", is_array)) < 0 ||
        (rc = need(&summary, report, "summary", path, "$", is_object)) < 0 ||
        (rc = need(&verdict, summary, "verdict", path, "$.summary",
                   is_string)) < 0)
        return rc;
    schemas = json_object_get(report, "schemas");
    if (schemas && !json_is_array(schemas))
        return ic_error_set(IC_EINPUT, "%s: $.schemas: wrong type", path);

    p = json_object();
    json_object_set_new(p, "target", pick(target, target_keys));
    json_object_set_new(p, "profile", pick(profile, profile_keys));
    json_object_set_new(p, "suites", pick_each(suites, suite_keys));
    json_object_set_new(
        p, "schemas", schemas ? pick_each(schemas, schema_keys) : json_array());
    json_object_set_new(p, "runner", json_deep_copy(runner));
    tc = json_object();
    json_object_set_new(tc, "name", centre ? json_string(centre) : json_null());
    json_object_set_new(tc, "keyid", json_string(keyid));
    json_object_set_new(p, "testCentre", tc);
    json_object_set_new(p, "started", json_deep_copy(started));
    json_object_set_new(p, "finished", json_deep_copy(finished));
    ic_time_now_rfc3339(signed_at, sizeof(signed_at));
    json_object_set_new(p, "signed", json_string(signed_at));
    json_object_set_new(p, "classes", pick_each(classes, class_keys));
    if (json_object_get(summary, "counts"))
        json_object_set_new(p, "counts",
                            json_deep_copy(json_object_get(summary, "counts")));
    json_object_set_new(p, "verdict", json_deep_copy(verdict));
    *out = p;
    return IC_OK;
}

int
ic_statement_build(json_t **out, const char *dir, const char *centre,
                   const char *keyid)
{
    char **names = NULL;
    size_t n = 0;
    char *report_path = ic_path_join(dir, "report.json");
    json_t *report = NULL, *st = NULL, *subjects, *pred = NULL;
    json_error_t jerr;
    int rc, have_report = 0;

    *out = NULL;
    report = json_load_file(report_path, JSON_REJECT_DUPLICATES, &jerr);
    if (!report) {
        rc = ic_error_set(IC_EINPUT, "%s:%d:%d: %s", report_path, jerr.line,
                          jerr.column, jerr.text);
        goto cleanup;
    }
    if (!json_is_object(report)) {
        rc = ic_error_set(IC_EINPUT, "%s: $: not an object", report_path);
        goto cleanup;
    }
    rc = build_predicate(&pred, report, report_path, centre, keyid);
    if (rc < 0)
        goto cleanup;
    rc = ic_statement_subject_files(&names, &n, dir);
    if (rc < 0)
        goto cleanup;
    st = json_object();
    json_object_set_new(st, "_type", json_string(IC_STATEMENT_TYPE));
    subjects = json_array();
    json_object_set_new(st, "subject", subjects);
    for (size_t i = 0; i < n; i++) {
        char hex[IC_SHA256_HEX_LEN + 1], *path = ic_path_join(dir, names[i]);

        rc = ic_sha256_file_hex(hex, path);
        free(path);
        if (rc < 0)
            goto cleanup;
        json_array_append_new(subjects,
                              json_pack("{s:s, s:{s:s}}", "name", names[i],
                                        "digest", "sha256", hex));
        have_report |= strcmp(names[i], "report.json") == 0;
    }
    if (!have_report) {
        rc = ic_error_set(IC_EINPUT, "%s: not a regular file", report_path);
        goto cleanup;
    }
    json_object_set_new(st, "predicateType", json_string(IC_PREDICATE_TYPE));
    json_object_set_new(st, "predicate", pred);
    pred = NULL;
    *out = st;
    st = NULL;
cleanup:
    ic_statement_names_free(names, n);
    json_decref(report);
    json_decref(pred);
    json_decref(st);
    free(report_path);
    return rc;
}

/* ---- checks ---- */

int
ic_statement_check_form(const json_t *st, FILE *out)
{
    const char *why = NULL;
    json_t *subjects;

    if (!json_is_object(st))
        why = "payload is not a JSON object";
    else if (!json_is_string(json_object_get(st, "_type")) ||
             strcmp(json_string_value(json_object_get(st, "_type")),
                    IC_STATEMENT_TYPE) != 0)
        why = "payload _type is not " IC_STATEMENT_TYPE;
    else if (!json_is_string(json_object_get(st, "predicateType")) ||
             strcmp(json_string_value(json_object_get(st, "predicateType")),
                    IC_PREDICATE_TYPE) != 0)
        why = "predicateType is not " IC_PREDICATE_TYPE;
    else if (!json_is_object(json_object_get(st, "predicate")))
        why = "predicate is missing";
    else if (!json_is_array(subjects = json_object_get(st, "subject")) ||
             json_array_size(subjects) == 0)
        why = "subject list is missing or empty";
    if (!why)
        return 0;
    fprintf(out, "FAILED  statement: %s\n", why);
    return 1;
}

static int
safe_name(const char *name)
{
    const char *p = name;

    if (!*name || name[0] == '/')
        return 0;
    while (*p) {
        size_t n = strcspn(p, "/");

        if (n == 0 || (n == 1 && p[0] == '.') ||
            (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        p += n;
        if (*p == '/')
            p++;
    }
    return 1;
}

void
ic_statement_check_subjects(const json_t *st, const char *dir, FILE *out,
                            size_t *failures)
{
    json_t *subjects = json_object_get(st, "subject"), *s;
    char **names = NULL;
    size_t i, n = 0, ok = 0;
    int have_report = 0;

    json_array_foreach (subjects, i, s) {
        const char *name = json_string_value(json_object_get(s, "name"));
        const char *want = json_string_value(
            json_object_get(json_object_get(s, "digest"), "sha256"));
        char hex[IC_SHA256_HEX_LEN + 1], *path;

        if (!name || !want) {
            fprintf(out, "FAILED  subject[%zu]: no name or no sha256 digest\n",
                    i);
            (*failures)++;
            continue;
        }
        if (!safe_name(name)) {
            fprintf(out, "FAILED  subject %s: name leaves the run directory\n",
                    name);
            (*failures)++;
            continue;
        }
        have_report |= strcmp(name, "report.json") == 0;
        path = ic_path_join(dir, name);
        if (ic_sha256_file_hex(hex, path) < 0) {
            fprintf(out, "FAILED  subject %s: %s\n", name, ic_error_last());
            (*failures)++;
        } else if (strcasecmp(hex, want) != 0) {
            fprintf(out,
                    "FAILED  subject %s: file changed (sha256 %s, certificate "
                    "says %s)\n",
                    name, hex, want);
            (*failures)++;
        } else {
            ok++;
        }
        free(path);
    }
    if (!have_report) {
        fprintf(out, "FAILED  subjects: report.json is not among them\n");
        (*failures)++;
    }
    fprintf(out, "%s  subjects: %zu of %zu files match their digests\n",
            ok == json_array_size(subjects) ? "ok    " : "FAILED", ok,
            json_array_size(subjects));
    if (ic_statement_subject_files(&names, &n, dir) < 0)
        return;
    for (i = 0; i < n; i++) {
        size_t j;

        json_array_foreach (subjects, j, s) {
            const char *name = json_string_value(json_object_get(s, "name"));

            if (name && strcmp(name, names[i]) == 0)
                break;
        }
        if (j == json_array_size(subjects))
            fprintf(out, "note    %s is not covered by the certificate\n",
                    names[i]);
    }
    ic_statement_names_free(names, n);
}
