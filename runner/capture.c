/* Captures (response → variables) and `when` conditions; see assert.h. */
#include "config.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assert.h"
#include "error.h"
#include "jsonfile.h"
#include "jsonptr.h"
#include "util.h"

#define CAPTURE_MAX_DEFAULT 1000

static size_t
capture_max(const json_t *spec)
{
    const json_t *m = json_object_get(spec, "max");
    long long n = CAPTURE_MAX_DEFAULT;

    if (json_is_integer(m))
        n = json_integer_value(m);
    else if (json_is_string(m))
        n = strtoll(json_string_value(m), NULL, 10);
    return n > 0 ? (size_t)n : 0;
}

static int
capture_xpath(ic_eval *ev, const json_t *spec, json_t **value, char *msg,
              size_t msglen)
{
    const char *expr = json_string_value(json_object_get(spec, "xpath"));
    const json_t *fields = json_object_get(spec, "fields");
    int list = json_is_true(json_object_get(spec, "list"));
    ic_xpath_result r;

    if (!ic_eval_xml(ev)) {
        snprintf(msg, msglen, "capture: %s", ev->xml_err);
        return -1;
    }
    if (fields)
        return ic_xml_xpath_records(ev->xml, expr, fields, capture_max(spec),
                                    value, msg, msglen);
    if (ic_xml_xpath(ev->xml, expr, &r, msg, msglen) < 0)
        return -1;
    if (list) {
        *value = json_array();
        if (r.type == IC_XPATH_NODESET)
            for (size_t i = 0; i < r.count && i < capture_max(spec); i++)
                json_array_append_new(*value, json_string(r.strings[i]));
        else
            json_array_append_new(*value, json_string(r.string));
    } else if (r.type == IC_XPATH_NODESET && r.count == 0) {
        snprintf(msg, msglen, "capture: %s matched nothing", expr);
        ic_xpath_result_dispose(&r);
        return -1;
    } else {
        *value = json_string(r.string);
    }
    ic_xpath_result_dispose(&r);
    return 0;
}

static int
capture_json(ic_eval *ev, const json_t *spec, json_t **value, char *msg,
             size_t msglen)
{
    const char *ptr = json_string_value(json_object_get(spec, "json"));
    const json_t *fields = json_object_get(spec, "fields");
    int list = json_is_true(json_object_get(spec, "list"));
    json_t *v, *item;
    size_t i;

    if (!ic_eval_json(ev)) {
        snprintf(msg, msglen, "capture: %s", ev->json_err);
        return -1;
    }
    v = ic_jsonptr_get(ev->json, ptr);
    if (!list) {
        if (!v) {
            snprintf(msg, msglen, "capture: %s matched nothing", ptr);
            return -1;
        }
        *value = json_deep_copy(v);
        return 0;
    }
    *value = json_array();
    if (!json_is_array(v))
        return 0;
    json_array_foreach (v, i, item) {
        const char *name;
        json_t *fptr;

        if (i >= capture_max(spec))
            break;
        if (!fields) {
            json_array_append(*value, item);
            continue;
        }
        json_t *rec = json_object();
        json_object_foreach ((json_t *)fields, name, fptr) {
            json_t *f = ic_jsonptr_get(item, json_string_value(fptr));

            json_object_set_new(rec, name,
                                f ? json_deep_copy(f) : json_string(""));
        }
        json_array_append_new(*value, rec);
    }
    return 0;
}

/* A header value as a JSON string. HTTP allows bytes above 0x7f in field
 * values (obs-text, historically ISO-8859-1); JSON strings must be UTF-8,
 * so a value that is not valid UTF-8 is read as ISO-8859-1. */
static json_t *
header_string(const char *v)
{
    json_t *s = json_string(v);
    ic_buf b;

    if (s)
        return s;
    ic_buf_init(&b, 0);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        char two[2] = {(char)(0xc0 | (*p >> 6)), (char)(0x80 | (*p & 0x3f))};

        if (*p < 0x80)
            ic_buf_append(&b, p, 1);
        else
            ic_buf_append(&b, two, 2);
    }
    s = json_string(b.data ? b.data : "");
    ic_buf_dispose(&b);
    return s;
}

int
ic_capture_eval(ic_eval *ev, const json_t *spec, json_t **value, char *msg,
                size_t msglen)
{
    const json_t *h = json_object_get(spec, "header");

    *value = NULL;
    if (json_object_get(spec, "xpath"))
        return capture_xpath(ev, spec, value, msg, msglen);
    if (json_object_get(spec, "json"))
        return capture_json(ev, spec, value, msg, msglen);
    const char *v = ic_response_header(ev->resp, json_string_value(h));
    if (!v) {
        snprintf(msg, msglen, "capture: header %s missing",
                 json_string_value(h));
        return -1;
    }
    *value = header_string(v);
    return 0;
}

int
ic_capture_check(const json_t *c, const char *file, const char *path)
{
    static const char *const allowed[] = {"xpath", "json",   "header", "list",
                                          "max",   "fields", NULL};
    int n = 0;
    const char *k;
    json_t *v;

    if (!json_is_object(c))
        return ic_json_error(file, path, "a capture must be an object");
    if (ic_json_only_keys(c, file, path, allowed) < 0)
        return IC_EINPUT;
    n = !!json_object_get(c, "xpath") + !!json_object_get(c, "json") +
        !!json_object_get(c, "header");
    if (n != 1)
        return ic_json_error(file, path,
                             "a capture needs one of xpath, json, header");
    json_object_foreach ((json_t *)c, k, v) {
        if ((strcmp(k, "xpath") == 0 || strcmp(k, "json") == 0 ||
             strcmp(k, "header") == 0) &&
            !json_is_string(v))
            return ic_json_error(file, path, "\"%s\" must be a string", k);
        if (strcmp(k, "list") == 0 && !json_is_boolean(v))
            return ic_json_error(file, path, "\"list\" must be a boolean");
        if (strcmp(k, "max") == 0 && !json_is_integer(v) && !json_is_string(v))
            return ic_json_error(file, path, "\"max\" must be a number");
    }
    if ((v = json_object_get(c, "fields"))) {
        json_t *f;

        if (!json_is_object(v) || !json_is_true(json_object_get(c, "list")))
            return ic_json_error(file, path,
                                 "\"fields\" is an object and needs "
                                 "\"list\": true");
        json_object_foreach (v, k, f) {
            if (!json_is_string(f))
                return ic_json_error(file, path,
                                     "field \"%s\" must be a string", k);
        }
    }
    if (json_object_get(c, "json") &&
        ic_jsonptr_check(json_string_value(json_object_get(c, "json"))))
        return ic_json_error(file, path, "invalid JSON pointer");
    return IC_OK;
}

/* ---- when --------------------------------------------------------------- */

static int
pair(const json_t *c, const char *key, const ic_scope *s, char **a, char **b,
     char *msg, size_t msglen)
{
    const json_t *arr = json_object_get(c, key);

    *a = *b = NULL;
    if (ic_template_expand(a, json_string_value(json_array_get(arr, 0)), s, msg,
                           msglen) < 0)
        return -1;
    if (ic_template_expand(b, json_string_value(json_array_get(arr, 1)), s, msg,
                           msglen) < 0) {
        free(*a);
        *a = NULL;
        return -1;
    }
    return 0;
}

int
ic_when_eval(const json_t *c, const ic_scope *s, char *msg, size_t msglen)
{
    const json_t *v;
    char *a, *b;
    int r;
    size_t i;
    json_t *item;

    if ((v = json_object_get(c, "defined")))
        return ic_scope_lookup(s, json_string_value(v)) != NULL;
    if ((v = json_object_get(c, "nonempty"))) {
        const json_t *x = ic_scope_lookup(s, json_string_value(v));

        if (!x)
            return 0;
        if (json_is_array(x))
            return json_array_size(x) > 0;
        if (json_is_string(x))
            return json_string_length(x) > 0;
        return !json_is_null(x);
    }
    if (json_object_get(c, "equals")) {
        if (pair(c, "equals", s, &a, &b, msg, msglen) < 0)
            return -1;
        r = strcmp(a, b) == 0;
        free(a);
        free(b);
        return r;
    }
    if (json_object_get(c, "matches")) {
        regex_t rx;

        if (pair(c, "matches", s, &a, &b, msg, msglen) < 0)
            return -1;
        if (regcomp(&rx, b, REG_EXTENDED | REG_NOSUB) != 0) {
            snprintf(msg, msglen, "invalid regex \"%s\"", b);
            r = -1;
        } else {
            r = regexec(&rx, a, 0, NULL, 0) == 0;
            regfree(&rx);
        }
        free(a);
        free(b);
        return r;
    }
    if ((v = json_object_get(c, "not"))) {
        r = ic_when_eval(v, s, msg, msglen);
        return r < 0 ? r : !r;
    }
    v = json_object_get(c, "all");
    int want_all = v != NULL;
    if (!v)
        v = json_object_get(c, "any");
    json_array_foreach (v, i, item) {
        r = ic_when_eval(item, s, msg, msglen);
        if (r < 0)
            return r;
        if (want_all && !r)
            return 0;
        if (!want_all && r)
            return 1;
    }
    return want_all;
}

int
ic_when_check(const json_t *c, const char *file, const char *path)
{
    const char *key;
    json_t *v, *item;
    size_t i;

    if (!json_is_object(c) || json_object_size(c) != 1)
        return ic_json_error(file, path,
                             "a condition is an object with one key");
    json_object_foreach ((json_t *)c, key, v) {
        if (strcmp(key, "defined") == 0 || strcmp(key, "nonempty") == 0) {
            if (!json_is_string(v))
                return ic_json_error(file, path, "\"%s\" takes a variable name",
                                     key);
        } else if (strcmp(key, "equals") == 0 || strcmp(key, "matches") == 0) {
            if (!json_is_array(v) || json_array_size(v) != 2 ||
                !json_is_string(json_array_get(v, 0)) ||
                !json_is_string(json_array_get(v, 1)))
                return ic_json_error(file, path, "\"%s\" takes two strings",
                                     key);
        } else if (strcmp(key, "not") == 0) {
            if (ic_when_check(v, file, path) < 0)
                return IC_EINPUT;
        } else if (strcmp(key, "all") == 0 || strcmp(key, "any") == 0) {
            if (!json_is_array(v))
                return ic_json_error(file, path, "\"%s\" takes a list", key);
            json_array_foreach (v, i, item) {
                if (ic_when_check(item, file, path) < 0)
                    return IC_EINPUT;
            }
        } else {
            return ic_json_error(file, path, "unknown condition \"%s\"", key);
        }
    }
    return IC_OK;
}
