#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "error.h"
#include "trust.h"
#include "util.h"

int
ic_time_parse_rfc3339(time_t *out, const char *s)
{
    struct tm tm;
    int y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0;
    const char *p;
    long off = 0;

    memset(&tm, 0, sizeof(tm));
    if (sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
               &sec, &n) != 6 ||
        n != 19)
        goto bad;
    p = s + n;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            goto bad;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        off = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
               sscanf(p + 1, "%2d:%2d", &oh, &om) == 2) {
        off = (oh * 60L + om) * 60L * (*p == '-' ? -1 : 1);
    } else {
        goto bad;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
        oh > 23 || om > 59)
        goto bad;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *out = timegm(&tm) - off;
    return IC_OK;
bad:
    return ic_error_set(IC_EINPUT, "\"%s\": not an RFC 3339 date-time", s);
}

void
ic_trust_free(ic_trust *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nkeys; i++) {
        free(t->keys[i].owner);
        EVP_PKEY_free(t->keys[i].key);
    }
    free(t->keys);
    free(t);
}

static int
field_string(const char **out, json_t *obj, const char *key, int required,
             const char *path, size_t i)
{
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (!v && !required)
        return IC_OK;
    if (!json_is_string(v))
        return ic_error_set(IC_EINPUT, "%s: $.keys[%zu].%s: %s", path, i, key,
                            v ? "not a string" : "missing");
    *out = json_string_value(v);
    return IC_OK;
}

static int
field_time(time_t *out, json_t *obj, const char *key, int required,
           const char *path, size_t i, int *present)
{
    const char *s;
    int rc = field_string(&s, obj, key, required, path, i);

    if (present)
        *present = s != NULL;
    if (rc < 0 || !s)
        return rc;
    rc = ic_time_parse_rfc3339(out, s);
    if (rc < 0)
        ic_error_prefix("%s: $.keys[%zu].%s", path, i, key);
    return rc;
}

static int
load_entry(ic_trust_key *k, json_t *v, const char *path, size_t i)
{
    static const char *const known[] = {
        "keyid", "pem", "owner", "valid_from", "valid_until", "revoked_at"};
    const char *keyid, *pem, *owner, *name;
    char where[64], computed[IC_KEYID_LEN + 1];
    json_t *x;
    int rc;

    if (!json_is_object(v))
        return ic_error_set(IC_EINPUT, "%s: $.keys[%zu]: not an object", path,
                            i);
    json_object_foreach (v, name, x) {
        size_t j = 0;

        while (j < sizeof(known) / sizeof(known[0]) && strcmp(name, known[j]))
            j++;
        if (j == sizeof(known) / sizeof(known[0]))
            return ic_error_set(IC_EINPUT,
                                "%s: $.keys[%zu]: unknown key \"%s\"", path, i,
                                name);
    }
    if ((rc = field_string(&keyid, v, "keyid", 1, path, i)) < 0 ||
        (rc = field_string(&pem, v, "pem", 1, path, i)) < 0 ||
        (rc = field_string(&owner, v, "owner", 1, path, i)) < 0 ||
        (rc = field_time(&k->valid_from, v, "valid_from", 1, path, i, NULL)) <
            0 ||
        (rc = field_time(&k->valid_until, v, "valid_until", 1, path, i, NULL)) <
            0 ||
        (rc = field_time(&k->revoked_at, v, "revoked_at", 0, path, i,
                         &k->revoked)) < 0)
        return rc;
    k->owner = xstrdup(owner);
    snprintf(where, sizeof(where), "$.keys[%zu].pem", i);
    rc = ic_key_from_pem(&k->key, pem, where);
    if (rc < 0) {
        ic_error_prefix("%s", path);
        return rc;
    }
    if ((rc = ic_key_id(computed, k->key)) < 0)
        return rc;
    if (strlen(keyid) != IC_KEYID_LEN || strcmp(keyid, computed) != 0)
        return ic_error_set(IC_EINPUT,
                            "%s: $.keys[%zu].keyid: does not match the PEM "
                            "key (its id is %s)",
                            path, i, computed);
    memcpy(k->keyid, computed, sizeof(k->keyid));
    if (k->valid_until <= k->valid_from)
        return ic_error_set(IC_EINPUT,
                            "%s: $.keys[%zu].valid_until: not after "
                            "valid_from",
                            path, i);
    return IC_OK;
}

int
ic_trust_load(ic_trust **out, const char *path)
{
    json_error_t jerr;
    json_t *root = NULL, *keys, *v;
    const char *name;
    ic_trust *t = xcalloc(1, sizeof(*t));
    size_t i;
    int rc = IC_OK;

    *out = NULL;
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        rc = ic_error_set(IC_EINPUT, "%s:%d:%d: %s", path, jerr.line,
                          jerr.column, jerr.text);
        goto cleanup;
    }
    if (!json_is_object(root)) {
        rc = ic_error_set(IC_EINPUT, "%s: $: not an object", path);
        goto cleanup;
    }
    json_object_foreach (root, name, v) {
        if (strcmp(name, "format") && strcmp(name, "keys")) {
            rc = ic_error_set(IC_EINPUT, "%s: $: unknown key \"%s\"", path,
                              name);
            goto cleanup;
        }
    }
    v = json_object_get(root, "format");
    if (v && (!json_is_string(v) ||
              strcmp(json_string_value(v), "isrcert-trust/1") != 0)) {
        rc = ic_error_set(IC_EINPUT,
                          "%s: $.format: expected \"isrcert-trust/1\"", path);
        goto cleanup;
    }
    keys = json_object_get(root, "keys");
    if (!json_is_array(keys)) {
        rc = ic_error_set(IC_EINPUT, "%s: $.keys: %s", path,
                          keys ? "not an array" : "missing");
        goto cleanup;
    }
    t->keys = xcalloc(json_array_size(keys), sizeof(*t->keys));
    json_array_foreach (keys, i, v) {
        t->nkeys++;
        rc = load_entry(&t->keys[i], v, path, i);
        if (rc < 0)
            goto cleanup;
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->keys[j].keyid, t->keys[i].keyid) == 0) {
                rc = ic_error_set(IC_EINPUT,
                                  "%s: $.keys[%zu].keyid: duplicate of "
                                  "$.keys[%zu]",
                                  path, i, j);
                goto cleanup;
            }
    }
    *out = t;
    t = NULL;
cleanup:
    ic_trust_free(t);
    json_decref(root);
    return rc;
}

const ic_trust_key *
ic_trust_find(const ic_trust *t, const char *keyid)
{
    for (size_t i = 0; t && i < t->nkeys; i++)
        if (strcmp(t->keys[i].keyid, keyid) == 0)
            return &t->keys[i];
    return NULL;
}

static void
fmt_time(char *out, size_t len, time_t t)
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
ic_trust_key_valid_at(const ic_trust_key *k, time_t t, char *why, size_t whylen)
{
    char when[32];

    if (k->revoked && t >= k->revoked_at) {
        fmt_time(when, sizeof(when), k->revoked_at);
        snprintf(why, whylen, "key was revoked at %s", when);
        return 0;
    }
    if (t < k->valid_from) {
        fmt_time(when, sizeof(when), k->valid_from);
        snprintf(why, whylen, "key is not valid before %s", when);
        return 0;
    }
    if (t >= k->valid_until) {
        fmt_time(when, sizeof(when), k->valid_until);
        snprintf(why, whylen, "key expired at %s", when);
        return 0;
    }
    if (whylen)
        why[0] = '\0';
    return 1;
}
