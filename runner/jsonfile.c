#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "jsonfile.h"
#include "util.h"

int
ic_json_load_file(json_t **out, const char *path)
{
    json_error_t jerr;
    char *data = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    rc = ic_file_read(&data, &len, path);
    if (rc < 0)
        return rc;
    *out = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    free(data);
    if (!*out)
        return ic_error_set(IC_EINPUT, "%s:%d:%d: %s", path, jerr.line,
                            jerr.column, jerr.text);
    return IC_OK;
}

int
ic_json_error(const char *file, const char *path, const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return ic_error_set(IC_EINPUT, "%s: %s: %s", file, path, msg);
}

int
ic_json_only_keys(const json_t *obj, const char *file, const char *path,
                  const char *const *allowed)
{
    const char *key;
    json_t *v;

    json_object_foreach ((json_t *)obj, key, v) {
        size_t i;

        for (i = 0; allowed[i]; i++)
            if (strcmp(allowed[i], key) == 0)
                break;
        if (!allowed[i])
            return ic_json_error(file, path, "unknown key \"%s\"", key);
    }
    return IC_OK;
}

static const char *
type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

static int
typed(json_t **out, const json_t *obj, const char *key, int required,
      const char *file, const char *path, json_type type, const char *want)
{
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (!v) {
        if (required)
            return ic_json_error(file, path, "missing \"%s\"", key);
        return IC_OK;
    }
    if (json_typeof(v) != type)
        return ic_json_error(file, path, "\"%s\" must be %s, not %s", key, want,
                             type_name(v));
    *out = v;
    return IC_OK;
}

int
ic_json_string(const char **out, const json_t *obj, const char *key,
               int required, const char *file, const char *path)
{
    json_t *v;
    int rc = typed(&v, obj, key, required, file, path, JSON_STRING, "a string");

    *out = v ? json_string_value(v) : NULL;
    return rc;
}

int
ic_json_object(json_t **out, const json_t *obj, const char *key, int required,
               const char *file, const char *path)
{
    return typed(out, obj, key, required, file, path, JSON_OBJECT, "an object");
}

int
ic_json_array(json_t **out, const json_t *obj, const char *key, int required,
              const char *file, const char *path)
{
    return typed(out, obj, key, required, file, path, JSON_ARRAY, "an array");
}

int
ic_json_string_map(const json_t *obj, const char *file, const char *path)
{
    const char *key;
    json_t *v;

    json_object_foreach ((json_t *)obj, key, v) {
        if (!json_is_string(v) && !json_is_number(v))
            return ic_json_error(file, path,
                                 "\"%s\" must be a string or number, not %s",
                                 key, type_name(v));
    }
    return IC_OK;
}

char *
ic_json_scalar_text(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return xstrndup(json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    case JSON_REAL: {
        /* shortest text that reads back as the same double: 52.4, not
         * 52.399999999999999 */
        double d = json_real_value(v);

        for (int prec = 15; prec < 17; prec++) {
            char *t = xasprintf("%.*g", prec, d);

            if (strtod(t, NULL) == d)
                return t;
            free(t);
        }
        return xasprintf("%.17g", d);
    }
    case JSON_TRUE:
        return xstrdup("true");
    case JSON_FALSE:
        return xstrdup("false");
    case JSON_NULL:
        return xstrdup("null");
    default: {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

        if (!s)
            return xstrdup("");
        char *r = xstrdup(s);
        free(s);
        return r;
    }
    }
}
