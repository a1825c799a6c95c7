#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "jsonfile.h"
#include "profile.h"
#include "util.h"

static int
is_dir(const char *p)
{
    struct stat st;

    return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
exists(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0;
}

/* Is this program running from the build tree (not installed)? */
static int
running_uninstalled(void)
{
    char self[4096], *dir;
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    int r;

    if (n <= 0)
        return 0;
    self[n] = '\0';
    dir = ic_path_dirname(self);
    r = strcmp(dir, IC_BUILDDIR) == 0;
    free(dir);
    return r;
}

void
ic_data_dirs(void (*fn)(const char *dir, void *ctx), void *ctx)
{
    const char *env = getenv("ISRCERT_DATADIR");
    int uninstalled = running_uninstalled();
    const char *dirs[] = {env, uninstalled ? IC_SRCDIR : IC_DATADIR,
                          uninstalled ? IC_DATADIR : IC_SRCDIR};

    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        if (is_dir(dirs[i]))
            fn(dirs[i], ctx);
}

typedef struct find_ctx {
    const char *sub, *name;
    char *found;
} find_ctx;

static void
find_in(const char *dir, void *ctx)
{
    find_ctx *f = ctx;
    char *base, *p;

    if (f->found)
        return;
    base = ic_path_join(dir, f->sub);
    p = ic_path_join(base, f->name);
    free(base);
    if (exists(p))
        f->found = p;
    else
        free(p);
}

char *
ic_data_find(const char *sub, const char *name)
{
    find_ctx f = {sub, name, NULL};

    ic_data_dirs(find_in, &f);
    return f.found;
}

static char *
find_suite(const char *profile_path, const char *id)
{
    char *dir = ic_path_dirname(profile_path);
    char *rel = xasprintf("%s/../suites/%s/suite.json", dir, id);

    free(dir);
    if (exists(rel))
        return rel;
    free(rel);
    rel = xasprintf("%s/suite.json", id);
    dir = ic_data_find("suites", rel);
    free(rel);
    return dir;
}

static int
load_entry(ic_profile *p, ic_profile_entry *e, const json_t *j, size_t i)
{
    static const char *const allowed[] = {"suite", "classes", NULL};
    char path[48];
    const char *id, *cls;
    json_t *classes, *mode;
    char *spath;
    int rc;

    snprintf(path, sizeof(path), "$.suites[%zu]", i);
    if (!json_is_object(j))
        return ic_json_error(p->path, path, "must be an object");
    if (ic_json_only_keys(j, p->path, path, allowed) < 0 ||
        ic_json_string(&id, j, "suite", 1, p->path, path) < 0 ||
        ic_json_object(&classes, j, "classes", 1, p->path, path) < 0)
        return IC_EINPUT;
    spath = find_suite(p->path, id);
    if (!spath)
        return ic_json_error(p->path, path,
                             "suite \"%s\" not found (looked beside the "
                             "profile in ../suites and in the data folders)",
                             id);
    rc = ic_suite_load(&e->suite, spath);
    free(spath);
    if (rc < 0)
        return rc;
    if (strcmp(e->suite->id, id) != 0)
        return ic_json_error(p->path, path,
                             "suite folder \"%s\" holds suite \"%s\"", id,
                             e->suite->id);
    json_object_foreach (classes, cls, mode) {
        const char *m = json_string_value(mode);

        if (!ic_suite_class(e->suite, cls))
            return ic_json_error(p->path, path,
                                 "suite \"%s\" has no class \"%s\"", id, cls);
        if (!m || (strcmp(m, "mandatory") != 0 && strcmp(m, "optional") != 0))
            return ic_json_error(p->path, path,
                                 "class \"%s\" must be \"mandatory\" or "
                                 "\"optional\"",
                                 cls);
    }
    e->classes = json_incref(classes);
    return IC_OK;
}

int
ic_profile_load(ic_profile **out, const char *name)
{
    static const char *const allowed[] = {"id",          "version", "title",
                                          "description", "basis",   "suites",
                                          "parameters",  NULL};
    ic_profile *p = xcalloc(1, sizeof(*p));
    json_t *root = NULL, *arr, *obj, *e;
    const char *str;
    size_t i;
    int rc;

    *out = NULL;
    if (exists(name)) {
        p->path = xstrdup(name);
    } else {
        char *file = xasprintf("%s.json", name);

        p->path = strchr(name, '/') ? NULL : ic_data_find("profiles", file);
        free(file);
        if (!p->path) {
            rc = ic_error_set(IC_EINPUT,
                              "%s: no such profile file or installed "
                              "profile id",
                              name);
            goto cleanup;
        }
    }
    if ((rc = ic_json_load_file(&root, p->path)) < 0)
        goto cleanup;
    if ((rc = ic_sha256_file_hex(p->sha256, p->path)) < 0)
        goto cleanup;
    rc = IC_EINPUT;
    if (!json_is_object(root)) {
        ic_json_error(p->path, "$", "must be an object");
        goto cleanup;
    }
    if (ic_json_only_keys(root, p->path, "$", allowed) < 0 ||
        ic_json_string(&str, root, "id", 1, p->path, "$") < 0)
        goto cleanup;
    p->id = xstrdup(str);
    if (ic_json_string(&str, root, "version", 1, p->path, "$") < 0)
        goto cleanup;
    p->version = xstrdup(str);
    if (ic_json_string(&str, root, "title", 1, p->path, "$") < 0)
        goto cleanup;
    p->title = xstrdup(str);
    if (ic_json_string(&str, root, "description", 0, p->path, "$") < 0 ||
        ic_json_array(&arr, root, "basis", 0, p->path, "$") < 0)
        goto cleanup;
    p->basis = arr ? json_incref(arr) : json_array();
    if (ic_json_object(&obj, root, "parameters", 0, p->path, "$") < 0)
        goto cleanup;
    p->parameters = obj ? json_incref(obj) : json_object();
    if (ic_json_array(&arr, root, "suites", 1, p->path, "$") < 0)
        goto cleanup;
    if (json_array_size(arr) == 0) {
        ic_json_error(p->path, "$.suites", "no suites");
        goto cleanup;
    }
    p->entries = xcalloc(json_array_size(arr), sizeof(ic_profile_entry));
    json_array_foreach (arr, i, e) {
        p->nentries++;
        if ((rc = load_entry(p, &p->entries[i], e, i)) < 0)
            goto cleanup;
        for (size_t k = 0; k < i; k++)
            if (strcmp(p->entries[k].suite->id, p->entries[i].suite->id) == 0) {
                rc = ic_json_error(p->path, "$.suites",
                                   "suite \"%s\" is listed twice",
                                   p->entries[i].suite->id);
                goto cleanup;
            }
    }
    rc = IC_OK;
    *out = p;
    p = NULL;
cleanup:
    json_decref(root);
    ic_profile_free(p);
    return rc;
}

void
ic_profile_free(ic_profile *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nentries; i++) {
        ic_suite_free(p->entries[i].suite);
        json_decref(p->entries[i].classes);
    }
    free(p->entries);
    free(p->id);
    free(p->version);
    free(p->title);
    free(p->path);
    json_decref(p->basis);
    json_decref(p->parameters);
    free(p);
}

ic_class_mode
ic_profile_class_mode(const ic_profile_entry *e, const char *class_id)
{
    const char *m = json_string_value(json_object_get(e->classes, class_id));

    if (!m)
        return IC_CLASS_SKIP;
    return strcmp(m, "mandatory") == 0 ? IC_CLASS_MANDATORY : IC_CLASS_OPTIONAL;
}

static void
add_secret(ic_target *t, const char *name)
{
    t->secrets = xrealloc(t->secrets, (t->nsecrets + 1) * sizeof(char *));
    t->secrets[t->nsecrets++] = xstrdup(name);
}

static int target_parse(ic_target *t, json_t *root, const char *path);

int
ic_target_load(ic_target **out, const char *path)
{
    ic_target *t = xcalloc(1, sizeof(*t));
    json_t *root = NULL;
    int rc;

    *out = NULL;
    t->path = xstrdup(path);
    if ((rc = ic_json_load_file(&root, path)) < 0 ||
        (rc = ic_sha256_file_hex(t->sha256, path)) < 0 ||
        (rc = target_parse(t, root, path)) < 0) {
        json_decref(root);
        ic_target_free(t);
        return rc;
    }
    json_decref(root);
    *out = t;
    return IC_OK;
}

int
ic_target_from_doc(ic_target **out, const json_t *doc, const char *origin)
{
    ic_target *t = xcalloc(1, sizeof(*t));
    json_t *root =
        json_pack("{s:O?, s:O?}", "system", json_object_get(doc, "system"),
                  "endpoints", json_object_get(doc, "endpoints"));
    const char *sha = json_string_value(json_object_get(doc, "sha256"));
    const char *path = json_string_value(json_object_get(doc, "path"));
    int rc;

    *out = NULL;
    t->path = xstrdup(path ? path : origin);
    snprintf(t->sha256, sizeof(t->sha256), "%s", sha ? sha : "");
    rc = target_parse(t, root, origin);
    json_decref(root);
    if (rc < 0) {
        ic_target_free(t);
        return rc;
    }
    *out = t;
    return IC_OK;
}

static int
target_parse(ic_target *t, json_t *root, const char *path)
{
    static const char *const allowed[] = {"system",  "endpoints", "auth",
                                          "secrets", "tls",       NULL};
    static const char *const sys_keys[] = {
        "name", "vendor", "version", "nation", "product", "contact", NULL};
    static const char *const auth_keys[] = {"header", "env", NULL};
    static const char *const tls_keys[] = {"ca_file", NULL};
    json_t *obj, *v;
    const char *str, *key;
    size_t i;
    int rc = IC_EINPUT;

    if (!json_is_object(root)) {
        ic_json_error(path, "$", "must be an object");
        goto cleanup;
    }
    if (ic_json_only_keys(root, path, "$", allowed) < 0 ||
        ic_json_object(&obj, root, "system", 1, path, "$") < 0 ||
        ic_json_only_keys(obj, path, "$.system", sys_keys) < 0 ||
        ic_json_string(&str, obj, "name", 1, path, "$.system") < 0 ||
        ic_json_string_map(obj, path, "$.system") < 0)
        goto cleanup;
    if ((str = json_string_value(json_object_get(obj, "nation"))) &&
        (strlen(str) != 3 || strspn(str, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)) {
        ic_json_error(path, "$.system.nation",
                      "\"%s\" is not an ISO 3166-1 alpha-3 code (e.g. NLD)",
                      str);
        goto cleanup;
    }
    t->system = json_incref(obj);
    if (ic_json_object(&obj, root, "endpoints", 1, path, "$") < 0)
        goto cleanup;
    json_object_foreach (obj, key, v) {
        str = json_string_value(v);
        if (!str || (strncmp(str, "http://", 7) != 0 &&
                     strncmp(str, "https://", 8) != 0)) {
            ic_json_error(path, "$.endpoints",
                          "\"%s\" must be an http:// or https:// URL", key);
            goto cleanup;
        }
    }
    t->endpoints = json_incref(obj);
    if (ic_json_object(&obj, root, "auth", 0, path, "$") < 0)
        goto cleanup;
    if (obj) {
        if (ic_json_only_keys(obj, path, "$.auth", auth_keys) < 0 ||
            ic_json_string(&str, obj, "env", 1, path, "$.auth") < 0)
            goto cleanup;
        t->auth_env = xstrdup(str);
        if (ic_json_string(&str, obj, "header", 0, path, "$.auth") < 0)
            goto cleanup;
        t->auth_header = xstrdup(str ? str : "Authorization");
        add_secret(t, t->auth_header);
    }
    add_secret(t, "Authorization");
    add_secret(t, "Proxy-Authorization");
    add_secret(t, "Cookie");
    add_secret(t, "Set-Cookie");
    if (ic_json_array(&obj, root, "secrets", 0, path, "$") < 0)
        goto cleanup;
    json_array_foreach (obj, i, v) {
        if (!json_is_string(v)) {
            ic_json_error(path, "$.secrets", "entries must be strings");
            goto cleanup;
        }
        add_secret(t, json_string_value(v));
    }
    if (ic_json_object(&obj, root, "tls", 0, path, "$") < 0)
        goto cleanup;
    if (obj) {
        if (ic_json_only_keys(obj, path, "$.tls", tls_keys) < 0 ||
            ic_json_string(&str, obj, "ca_file", 0, path, "$.tls") < 0)
            goto cleanup;
        t->ca_file = str ? xstrdup(str) : NULL;
    }
    rc = IC_OK;
cleanup:
    return rc;
}

void
ic_target_free(ic_target *t)
{
    if (!t)
        return;
    free(t->path);
    json_decref(t->system);
    json_decref(t->endpoints);
    free(t->auth_header);
    free(t->auth_env);
    for (size_t i = 0; i < t->nsecrets; i++)
        free(t->secrets[i]);
    free(t->secrets);
    free(t->ca_file);
    free(t);
}
