/* Load-time checks of assertions: see assert.h. */
#include "config.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "assert.h"
#include "assert_impl.h"
#include "error.h"
#include "image.h"
#include "jsonfile.h"
#include "jsonptr.h"
#include "label.h"

static int
check_string(const json_t *v, const char *file, const char *path,
             const char *key)
{
    char err[300];

    if (!json_is_string(v))
        return ic_json_error(file, path, "\"%s\" must be a string", key);
    if (ic_template_check(json_string_value(v), err, sizeof(err)) < 0)
        return ic_json_error(file, path, "\"%s\": %s", key, err);
    return IC_OK;
}

static int
check_regex(const json_t *v, const char *file, const char *path)
{
    regex_t rx;
    int rc;

    if (check_string(v, file, path, "matches") < 0)
        return IC_EINPUT;
    if (ic_template_has(json_string_value(v)))
        return IC_OK;
    rc = regcomp(&rx, json_string_value(v), REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char e[128];

        regerror(rc, &rx, e, sizeof(e));
        return ic_json_error(file, path, "invalid regex \"%s\": %s",
                             json_string_value(v), e);
    }
    regfree(&rx);
    return IC_OK;
}

static int
check_number(const json_t *v, const char *file, const char *path,
             const char *key)
{
    double d;

    if (json_is_string(v) && ic_template_has(json_string_value(v)))
        return check_string(v, file, path, key);
    if (ic_assert_number(v, &d) < 0)
        return ic_json_error(file, path, "\"%s\" must be a number", key);
    return IC_OK;
}

static int
check_ops(const json_t *a, const char *file, const char *path)
{
    for (size_t i = 0; ic_assert_ops[i]; i++) {
        const json_t *v = json_object_get(a, ic_assert_ops[i]);

        if (v && check_number(v, file, path, ic_assert_ops[i]) < 0)
            return IC_EINPUT;
    }
    return IC_OK;
}

static int
check_count(const json_t *v, const char *file, const char *path)
{
    static const char *const allowed[] = {
        "<", "<=", ">", ">=", "==", "!=", NULL};

    if (json_is_object(v)) {
        if (ic_json_only_keys(v, file, path, allowed) < 0)
            return IC_EINPUT;
        if (json_object_size(v) == 0)
            return ic_json_error(file, path, "\"count\" has no comparison");
        return check_ops(v, file, path);
    }
    return check_number(v, file, path, "count");
}

static int
check_bool(const json_t *v, const char *file, const char *path, const char *key)
{
    if (v && !json_is_boolean(v))
        return ic_json_error(file, path, "\"%s\" must be true or false", key);
    return IC_OK;
}

int
ic_assert_check(const json_t *a, const json_t *schemas, const char *file,
                const char *path)
{
    static const char *const k_status[] = {"status", "why", NULL};
    static const char *const k_header[] = {"header", "equals", "matches",
                                           "exists", "why",    NULL};
    static const char *const k_xml[] = {"xml", "why", NULL};
    static const char *const k_xpath[] = {
        "xpath", "exists", "count", "equals", "matches", "true", "why",
        "<",     "<=",     ">",     ">=",     "==",      "!=",   NULL};
    static const char *const k_xsd[] = {"xsd", "why", NULL};
    static const char *const k_exc[] = {"ogc_exception", "why", NULL};
    static const char *const k_json[] = {
        "json", "exists", "count", "equals", "matches", "type", "why",
        "<",    "<=",     ">",     ">=",     "==",      "!=",   NULL};
    static const char *const k_image[] = {"image", "why", NULL};
    const char *kind = NULL;
    const json_t *v;
    char err[300];
    int nkinds = 0;

    if (!json_is_object(a))
        return ic_json_error(file, path, "an assertion must be an object");
    for (size_t i = 0; ic_assert_kinds[i]; i++)
        if (json_object_get(a, ic_assert_kinds[i])) {
            kind = ic_assert_kinds[i];
            nkinds++;
        }
    if (nkinds != 1)
        return ic_json_error(
            file, path,
            nkinds ? "an assertion has exactly one kind key"
                   : "no assertion kind (status, header, xml, xpath, xsd, "
                     "json, image, ogc_exception, stanag4774, any)");
    if ((v = json_object_get(a, "why")) && !json_is_string(v))
        return ic_json_error(file, path, "\"why\" must be a string");

    if (strcmp(kind, "status") == 0) {
        size_t i;
        json_t *item;

        if (ic_json_only_keys(a, file, path, k_status) < 0)
            return IC_EINPUT;
        v = json_object_get(a, "status");
        if (json_is_array(v)) {
            json_array_foreach (v, i, item) {
                if (check_number(item, file, path, "status") < 0)
                    return IC_EINPUT;
            }
            return IC_OK;
        }
        return check_number(v, file, path, "status");
    }
    if (strcmp(kind, "header") == 0) {
        int n = 0;

        if (ic_json_only_keys(a, file, path, k_header) < 0 ||
            check_string(json_object_get(a, "header"), file, path, "header"))
            return IC_EINPUT;
        if ((v = json_object_get(a, "equals")) && ++n &&
            check_string(v, file, path, "equals"))
            return IC_EINPUT;
        if ((v = json_object_get(a, "matches")) && ++n &&
            check_regex(v, file, path))
            return IC_EINPUT;
        if ((v = json_object_get(a, "exists")) && ++n &&
            check_bool(v, file, path, "exists"))
            return IC_EINPUT;
        if (n != 1)
            return ic_json_error(file, path,
                                 "a header assertion needs one of equals, "
                                 "matches, exists");
        return IC_OK;
    }
    if (strcmp(kind, "xml") == 0) {
        if (ic_json_only_keys(a, file, path, k_xml) < 0)
            return IC_EINPUT;
        v = json_object_get(a, "xml");
        if (!json_is_string(v) ||
            strcmp(json_string_value(v), "well-formed") != 0)
            return ic_json_error(file, path, "\"xml\" must be \"well-formed\"");
        return IC_OK;
    }
    if (strcmp(kind, "xpath") == 0 || strcmp(kind, "json") == 0) {
        int is_xpath = kind[0] == 'x';

        if (ic_json_only_keys(a, file, path, is_xpath ? k_xpath : k_json) < 0 ||
            check_string(json_object_get(a, kind), file, path, kind) < 0 ||
            check_bool(json_object_get(a, "exists"), file, path, "exists") ||
            check_bool(json_object_get(a, "true"), file, path, "true") ||
            check_ops(a, file, path) < 0)
            return IC_EINPUT;
        if (!is_xpath &&
            ic_jsonptr_check(json_string_value(json_object_get(a, "json"))))
            return ic_json_error(file, path, "invalid JSON pointer \"%s\"",
                                 json_string_value(json_object_get(a, "json")));
        if ((v = json_object_get(a, "count")) && check_count(v, file, path))
            return IC_EINPUT;
        if ((v = json_object_get(a, "matches")) && check_regex(v, file, path))
            return IC_EINPUT;
        if ((v = json_object_get(a, "equals")) && !json_is_string(v) &&
            !json_is_number(v) && !json_is_boolean(v) && !json_is_null(v) &&
            is_xpath)
            return ic_json_error(file, path, "\"equals\" must be a scalar");
        if ((v = json_object_get(a, "type"))) {
            static const char *const types[] = {"object", "array",   "string",
                                                "number", "integer", "boolean",
                                                "null",   NULL};
            size_t i;

            for (i = 0; types[i] && json_is_string(v); i++)
                if (strcmp(types[i], json_string_value(v)) == 0)
                    break;
            if (!json_is_string(v) || !types[i])
                return ic_json_error(file, path, "unknown \"type\"");
        }
        if (json_object_size(a) - (json_object_get(a, "why") ? 1 : 0) < 2)
            return ic_json_error(file, path,
                                 "\"%s\" needs a check (exists, count, "
                                 "equals, matches, ...)",
                                 kind);
        return IC_OK;
    }
    if (strcmp(kind, "xsd") == 0) {
        if (ic_json_only_keys(a, file, path, k_xsd) < 0 ||
            check_string(json_object_get(a, "xsd"), file, path, "xsd") < 0)
            return IC_EINPUT;
        const char *key = json_string_value(json_object_get(a, "xsd"));
        if (!json_object_get(schemas, key) && !strstr(key, "://"))
            return ic_json_error(file, path,
                                 "schema \"%s\" is not declared in the "
                                 "suite's \"schemas\"",
                                 key);
        return IC_OK;
    }
    if (strcmp(kind, "ogc_exception") == 0) {
        if (ic_json_only_keys(a, file, path, k_exc) < 0)
            return IC_EINPUT;
        v = json_object_get(a, "ogc_exception");
        if (!json_is_true(v) && !json_is_string(v))
            return ic_json_error(file, path,
                                 "\"ogc_exception\" must be a code or true");
        return IC_OK;
    }
    if (strcmp(kind, "stanag4774") == 0)
        return ic_label_check(a, file, path);
    if (strcmp(kind, "any") == 0) {
        static const char *const k_any[] = {"any", "why", NULL};
        const json_t *alt;
        size_t i;

        if (ic_json_only_keys(a, file, path, k_any) < 0)
            return IC_EINPUT;
        v = json_object_get(a, "any");
        if (!json_is_array(v) || json_array_size(v) < 2)
            return ic_json_error(file, path,
                                 "\"any\" takes a list of two or more "
                                 "assertions");
        json_array_foreach (v, i, alt) {
            char sub[512];

            snprintf(sub, sizeof(sub), "%s.any[%zu]", path, i);
            if (ic_assert_check(alt, schemas, file, sub) < 0)
                return IC_EINPUT;
        }
        return IC_OK;
    }
    if (ic_json_only_keys(a, file, path, k_image) < 0)
        return IC_EINPUT;
    if (!json_is_object(json_object_get(a, "image")))
        return ic_json_error(file, path, "\"image\" must be an object");
    if (ic_image_spec_check(json_object_get(a, "image"), err, sizeof(err)) < 0)
        return ic_json_error(file, path, "image: %s", err);
    return IC_OK;
}
