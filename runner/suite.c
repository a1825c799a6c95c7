#include "config.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "assert.h"
#include "error.h"
#include "jsonfile.h"
#include "suite.h"
#include "template.h"
#include "util.h"

static int
valid_id(const char *id)
{
    if (!*id ||
        !((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= '0' && id[0] <= '9')))
        return 0;
    return strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(id);
}

static int
check_request(const json_t *req, const char *file, const char *path)
{
    static const char *const allowed[] = {"method", "endpoint",  "path",
                                          "query",  "raw_query", "headers",
                                          "body",   "url",       NULL};
    static const char *const methods[] = {"GET",  "POST",  "PUT",     "DELETE",
                                          "HEAD", "PATCH", "OPTIONS", NULL};
    const char *s, *key;
    json_t *obj, *v;
    char err[300];

    if (!json_is_object(req))
        return ic_json_error(file, path, "\"request\" must be an object");
    if (ic_json_only_keys(req, file, path, allowed) < 0)
        return IC_EINPUT;
    if (ic_json_string(&s, req, "method", 0, file, path) < 0)
        return IC_EINPUT;
    if (s) {
        size_t i;

        for (i = 0; methods[i]; i++)
            if (strcmp(methods[i], s) == 0)
                break;
        if (!methods[i])
            return ic_json_error(file, path, "unknown method \"%s\"", s);
    }
    if (ic_json_string(&s, req, "endpoint", 0, file, path) < 0 ||
        ic_json_string(&s, req, "path", 0, file, path) < 0 ||
        ic_json_string(&s, req, "raw_query", 0, file, path) < 0 ||
        ic_json_string(&s, req, "url", 0, file, path) < 0 ||
        ic_json_string(&s, req, "body", 0, file, path) < 0)
        return IC_EINPUT;
    for (const char *const *k = (const char *const[]){"query", "headers", NULL};
         *k; k++) {
        if (ic_json_object(&obj, req, *k, 0, file, path) < 0)
            return IC_EINPUT;
        if (obj && ic_json_string_map(obj, file, path) < 0)
            return IC_EINPUT;
        if (obj)
            json_object_foreach (obj, key, v) {
                if (json_is_string(v) &&
                    ic_template_check(json_string_value(v), err, sizeof(err)) <
                        0)
                    return ic_json_error(file, path, "%s.%s: %s", *k, key, err);
            }
    }
    return IC_OK;
}

static int
load_test(ic_test *t, const ic_suite *s, json_t *j, const char *file,
          size_t index)
{
    static const char *const allowed[] = {
        "id",      "class",   "requirement", "title",   "needs",    "when",
        "foreach", "request", "assert",      "capture", "optional", NULL};
    static const char *const req_keys[] = {"document", "clause", "text", NULL};
    static const char *const fe_keys[] = {"var", "as", "max", NULL};
    char path[64], sub[96];
    const char *str;
    json_t *obj, *arr, *v;
    size_t i;

    snprintf(path, sizeof(path), "$.tests[%zu]", index);
    if (!json_is_object(j))
        return ic_json_error(file, path, "a test must be an object");
    if (ic_json_only_keys(j, file, path, allowed) < 0)
        return IC_EINPUT;
    t->file = xstrdup(file);
    if (ic_json_string(&str, j, "id", 1, file, path) < 0)
        return IC_EINPUT;
    if (!valid_id(str))
        return ic_json_error(file, path,
                             "id \"%s\" must match [a-z0-9][a-z0-9._-]*", str);
    t->id = xstrdup(str);
    snprintf(path, sizeof(path), "$.tests[%zu] (%s)", index, t->id);
    if (ic_json_string(&str, j, "class", 1, file, path) < 0)
        return IC_EINPUT;
    if (!ic_suite_class(s, str))
        return ic_json_error(file, path, "unknown class \"%s\"", str);
    t->class_id = xstrdup(str);
    if (ic_json_string(&str, j, "title", 1, file, path) < 0)
        return IC_EINPUT;
    t->title = xstrdup(str);
    if (ic_json_object(&obj, j, "requirement", 1, file, path) < 0)
        return IC_EINPUT;
    snprintf(sub, sizeof(sub), "%s.requirement", path);
    if (ic_json_only_keys(obj, file, sub, req_keys) < 0 ||
        ic_json_string(&str, obj, "document", 1, file, sub) < 0)
        return IC_EINPUT;
    t->req_document = xstrdup(str);
    if (ic_json_string(&str, obj, "clause", 1, file, sub) < 0 ||
        ic_json_string(&str, obj, "clause", 1, file, sub) < 0)
        return IC_EINPUT;
    t->req_clause = xstrdup(str);
    if (ic_json_string(&str, obj, "text", 0, file, sub) < 0)
        return IC_EINPUT;

    if (ic_json_array(&arr, j, "needs", 0, file, path) < 0)
        return IC_EINPUT;
    if (arr) {
        t->nneeds = json_array_size(arr);
        t->needs = xcalloc(t->nneeds, sizeof(char *));
        json_array_foreach (arr, i, v) {
            if (!json_is_string(v))
                return ic_json_error(file, path, "needs[%zu] must be a string",
                                     i);
            t->needs[i] = xstrdup(json_string_value(v));
        }
    }
    if ((v = json_object_get(j, "when"))) {
        snprintf(sub, sizeof(sub), "%s.when", path);
        if (ic_when_check(v, file, sub) < 0)
            return IC_EINPUT;
        t->when = json_incref(v);
    }
    if (ic_json_object(&obj, j, "foreach", 0, file, path) < 0)
        return IC_EINPUT;
    if (obj) {
        snprintf(sub, sizeof(sub), "%s.foreach", path);
        if (ic_json_only_keys(obj, file, sub, fe_keys) < 0 ||
            ic_json_string(&str, obj, "var", 1, file, sub) < 0)
            return IC_EINPUT;
        t->foreach_var = xstrdup(str);
        if (ic_json_string(&str, obj, "as", 1, file, sub) < 0)
            return IC_EINPUT;
        t->foreach_as = xstrdup(str);
        v = json_object_get(obj, "max");
        if (v && !json_is_integer(v) && !json_is_string(v))
            return ic_json_error(file, sub, "\"max\" must be a number");
        t->foreach_max = v ? json_incref(v) : json_integer(50);
    }
    snprintf(sub, sizeof(sub), "%s.request", path);
    if (!json_object_get(j, "request"))
        return ic_json_error(file, path, "missing \"request\"");
    if (check_request(json_object_get(j, "request"), file, sub) < 0)
        return IC_EINPUT;
    t->request = json_incref(json_object_get(j, "request"));
    if (ic_json_array(&arr, j, "assert", 1, file, path) < 0)
        return IC_EINPUT;
    if (json_array_size(arr) == 0)
        return ic_json_error(file, path, "\"assert\" is empty");
    json_array_foreach (arr, i, v) {
        snprintf(sub, sizeof(sub), "%s.assert[%zu]", path, i);
        if (ic_assert_check(v, s->schemas, file, sub) < 0)
            return IC_EINPUT;
    }
    t->asserts = json_incref(arr);
    if (ic_json_object(&obj, j, "capture", 0, file, path) < 0)
        return IC_EINPUT;
    if (obj) {
        const char *name;

        json_object_foreach (obj, name, v) {
            snprintf(sub, sizeof(sub), "%s.capture.%s", path, name);
            if (ic_capture_check(v, file, sub) < 0)
                return IC_EINPUT;
        }
        t->captures = json_incref(obj);
    }
    v = json_object_get(j, "optional");
    if (v && !json_is_boolean(v))
        return ic_json_error(file, path, "\"optional\" must be a boolean");
    t->optional = json_is_true(v);
    return IC_OK;
}

static void
test_dispose(ic_test *t)
{
    free(t->id);
    free(t->class_id);
    free(t->title);
    free(t->req_document);
    free(t->req_clause);
    free(t->file);
    for (size_t i = 0; i < t->nneeds; i++)
        free(t->needs[i]);
    free(t->needs);
    free(t->need_index);
    json_decref(t->when);
    free(t->foreach_var);
    free(t->foreach_as);
    json_decref(t->foreach_max);
    json_decref(t->request);
    json_decref(t->asserts);
    json_decref(t->captures);
}

static int
load_classes(ic_suite *s, const json_t *root)
{
    static const char *const allowed[] = {"id", "title", "description", NULL};
    json_t *arr, *c;
    const char *str;
    size_t i;
    char path[48];

    if (ic_json_array(&arr, root, "classes", 1, s->path, "$") < 0)
        return IC_EINPUT;
    if (json_array_size(arr) == 0)
        return ic_json_error(s->path, "$", "\"classes\" is empty");
    s->classes = xcalloc(json_array_size(arr), sizeof(ic_class));
    json_array_foreach (arr, i, c) {
        snprintf(path, sizeof(path), "$.classes[%zu]", i);
        if (!json_is_object(c))
            return ic_json_error(s->path, path, "must be an object");
        if (ic_json_only_keys(c, s->path, path, allowed) < 0 ||
            ic_json_string(&str, c, "id", 1, s->path, path) < 0)
            return IC_EINPUT;
        if (!valid_id(str))
            return ic_json_error(s->path, path, "invalid class id \"%s\"", str);
        if (ic_suite_class(s, str))
            return ic_json_error(s->path, path, "duplicate class \"%s\"", str);
        s->classes[s->nclasses].id = xstrdup(str);
        s->nclasses++;
        if (ic_json_string(&str, c, "title", 1, s->path, path) < 0)
            return IC_EINPUT;
        s->classes[s->nclasses - 1].title = xstrdup(str);
        if (ic_json_string(&str, c, "description", 0, s->path, path) < 0)
            return IC_EINPUT;
        s->classes[s->nclasses - 1].description = str ? xstrdup(str) : NULL;
    }
    return IC_OK;
}

static int
load_header(ic_suite *s, const json_t *root)
{
    static const char *const allowed[] = {
        "id",       "version",    "title",       "standard",
        "endpoint", "namespaces", "schemas",     "parameters",
        "classes",  "files",      "description", NULL};
    static const char *const std_keys[] = {"document", "title", "edition",
                                           "url", NULL};
    json_t *obj, *v;
    const char *str, *key;

    if (!json_is_object(root))
        return ic_json_error(s->path, "$", "must be an object");
    if (ic_json_only_keys(root, s->path, "$", allowed) < 0 ||
        ic_json_string(&str, root, "id", 1, s->path, "$") < 0)
        return IC_EINPUT;
    s->id = xstrdup(str);
    if (ic_json_string(&str, root, "version", 1, s->path, "$") < 0)
        return IC_EINPUT;
    s->version = xstrdup(str);
    if (ic_json_string(&str, root, "title", 1, s->path, "$") < 0)
        return IC_EINPUT;
    s->title = xstrdup(str);
    if (ic_json_string(&str, root, "description", 0, s->path, "$") < 0 ||
        ic_json_object(&obj, root, "standard", 1, s->path, "$") < 0 ||
        ic_json_only_keys(obj, s->path, "$.standard", std_keys) < 0 ||
        ic_json_string(&str, obj, "document", 1, s->path, "$.standard") < 0)
        return IC_EINPUT;
    s->std_document = xstrdup(str);
    if (ic_json_string(&str, obj, "title", 1, s->path, "$.standard") < 0)
        return IC_EINPUT;
    s->std_title = xstrdup(str);
    if (ic_json_string(&str, obj, "edition", 0, s->path, "$.standard") < 0 ||
        ic_json_string(&str, obj, "url", 0, s->path, "$.standard") < 0)
        return IC_EINPUT;
    str = json_string_value(json_object_get(obj, "edition"));
    s->std_edition = str ? xstrdup(str) : NULL;
    if (ic_json_string(&str, root, "endpoint", 1, s->path, "$") < 0)
        return IC_EINPUT;
    s->endpoint = xstrdup(str);

    if (ic_json_object(&obj, root, "namespaces", 0, s->path, "$") < 0)
        return IC_EINPUT;
    s->namespaces = obj ? json_incref(obj) : json_object();
    json_object_foreach (s->namespaces, key, v) {
        if (!json_is_string(v))
            return ic_json_error(s->path, "$.namespaces",
                                 "\"%s\" must be a string", key);
    }
    if (ic_json_object(&obj, root, "schemas", 0, s->path, "$") < 0)
        return IC_EINPUT;
    s->schemas = obj ? json_incref(obj) : json_object();
    json_object_foreach (s->schemas, key, v) {
        static const char *const sk[] = {"url", "sha256", NULL};

        if (json_is_string(v))
            continue;
        if (!json_is_object(v) ||
            ic_json_only_keys(v, s->path, "$.schemas", sk) < 0 ||
            ic_json_string(&str, v, "url", 1, s->path, "$.schemas") < 0 ||
            ic_json_string(&str, v, "sha256", 0, s->path, "$.schemas") < 0)
            return ic_json_error(s->path, "$.schemas",
                                 "\"%s\" must be a URL or {url, sha256}", key);
    }
    if (ic_json_object(&obj, root, "parameters", 0, s->path, "$") < 0)
        return IC_EINPUT;
    s->parameters = obj ? json_incref(obj) : json_object();
    return load_classes(s, root);
}

static int
resolve_needs(ic_suite *s)
{
    for (size_t i = 0; i < s->ntests; i++) {
        ic_test *t = &s->tests[i];

        for (size_t j = 0; j < s->ntests; j++)
            if (j != i && strcmp(s->tests[j].id, t->id) == 0)
                return ic_error_set(IC_EINPUT,
                                    "%s: test id \"%s\" is used twice (also "
                                    "in %s)",
                                    t->file, t->id, s->tests[j].file);
        t->need_index = xcalloc(t->nneeds ? t->nneeds : 1, sizeof(size_t));
        for (size_t n = 0; n < t->nneeds; n++) {
            long k = ic_suite_test_index(s, t->needs[n]);

            if (k < 0)
                return ic_error_set(IC_EINPUT,
                                    "%s: test \"%s\" needs unknown test "
                                    "\"%s\"",
                                    t->file, t->id, t->needs[n]);
            if ((size_t)k >= i)
                return ic_error_set(IC_EINPUT,
                                    "%s: test \"%s\" needs \"%s\", which "
                                    "must come before it",
                                    t->file, t->id, t->needs[n]);
            t->need_index[n] = (size_t)k;
        }
    }
    return IC_OK;
}

int
ic_suite_load(ic_suite **out, const char *path)
{
    ic_suite *s = xcalloc(1, sizeof(*s));
    json_t *root = NULL, *files, *f, *doc = NULL;
    struct stat st;
    ic_buf digest;
    char sha[IC_SHA256_HEX_LEN + 1];
    size_t i;
    int rc;

    *out = NULL;
    ic_buf_init(&digest, 0);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        s->dir = xstrdup(path);
        s->path = ic_path_join(path, "suite.json");
    } else {
        s->path = xstrdup(path);
        s->dir = ic_path_dirname(path);
    }
    if ((rc = ic_json_load_file(&root, s->path)) < 0 ||
        (rc = load_header(s, root)) < 0)
        goto cleanup;
    if ((rc = ic_sha256_file_hex(sha, s->path)) < 0)
        goto cleanup;
    ic_buf_appendf(&digest, "suite.json %s\n", sha);
    if ((rc = ic_json_array(&files, root, "files", 1, s->path, "$")) < 0)
        goto cleanup;
    json_array_foreach (files, i, f) {
        char *fpath;
        json_t *tests, *t;
        size_t k;

        if (!json_is_string(f)) {
            rc = ic_json_error(s->path, "$.files", "entries must be strings");
            goto cleanup;
        }
        fpath = ic_path_join(s->dir, json_string_value(f));
        rc = ic_json_load_file(&doc, fpath);
        if (rc == 0 && !json_is_object(doc))
            rc = ic_json_error(fpath, "$", "must be an object");
        if (rc == 0)
            rc = ic_json_only_keys(doc, fpath, "$",
                                   (const char *const[]){"tests", NULL});
        if (rc == 0)
            rc = ic_json_array(&tests, doc, "tests", 1, fpath, "$");
        if (rc == 0)
            rc = ic_sha256_file_hex(sha, fpath);
        if (rc < 0) {
            free(fpath);
            goto cleanup;
        }
        ic_buf_appendf(&digest, "%s %s\n", json_string_value(f), sha);
        s->tests = xrealloc(s->tests, (s->ntests + json_array_size(tests)) *
                                          sizeof(ic_test));
        json_array_foreach (tests, k, t) {
            memset(&s->tests[s->ntests], 0, sizeof(ic_test));
            s->ntests++;
            rc = load_test(&s->tests[s->ntests - 1], s, t, fpath, k);
            if (rc < 0)
                break;
        }
        free(fpath);
        json_decref(doc);
        doc = NULL;
        if (rc < 0)
            goto cleanup;
    }
    if (s->ntests == 0) {
        rc = ic_json_error(s->path, "$.files", "the suite has no tests");
        goto cleanup;
    }
    if ((rc = resolve_needs(s)) < 0)
        goto cleanup;
    ic_sha256_hex(s->sha256, digest.data, digest.len);
    *out = s;
    s = NULL;
cleanup:
    ic_buf_dispose(&digest);
    json_decref(root);
    ic_suite_free(s);
    return rc;
}

void
ic_suite_free(ic_suite *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ntests; i++)
        test_dispose(&s->tests[i]);
    free(s->tests);
    for (size_t i = 0; i < s->nclasses; i++) {
        free(s->classes[i].id);
        free(s->classes[i].title);
        free(s->classes[i].description);
    }
    free(s->classes);
    free(s->id);
    free(s->version);
    free(s->title);
    free(s->dir);
    free(s->path);
    free(s->std_document);
    free(s->std_title);
    free(s->std_edition);
    free(s->endpoint);
    json_decref(s->namespaces);
    json_decref(s->schemas);
    json_decref(s->parameters);
    free(s);
}

const ic_class *
ic_suite_class(const ic_suite *s, const char *id)
{
    for (size_t i = 0; i < s->nclasses; i++)
        if (strcmp(s->classes[i].id, id) == 0)
            return &s->classes[i];
    return NULL;
}

long
ic_suite_test_index(const ic_suite *s, const char *id)
{
    for (size_t i = 0; i < s->ntests; i++)
        if (strcmp(s->tests[i].id, id) == 0)
            return (long)i;
    return -1;
}
