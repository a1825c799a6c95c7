/*
 * jsonfile — strict loading of the JSON files users and suite authors write:
 * syntax errors with line and column, unknown keys and wrong types as errors
 * naming the file and the JSON path.
 */
#ifndef IC_JSONFILE_H
#define IC_JSONFILE_H

#include <jansson.h>

/* Parse a whole file; IC_EINPUT with "file:line:col: message". */
int ic_json_load_file(json_t **out, const char *path);

/* Errors below read "<file>: <path>: <message>" and return IC_EINPUT. */
int ic_json_error(const char *file, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Every key of obj must be in the NULL-terminated list. */
int ic_json_only_keys(const json_t *obj, const char *file, const char *path,
                      const char *const *allowed);

/* Fetch obj[key] as a string (borrowed); required: missing is an error.
 * Optional and missing: *out = NULL, returns 0. */
int ic_json_string(const char **out, const json_t *obj, const char *key,
                   int required, const char *file, const char *path);
/* obj[key] must be an object (or absent when !required: *out = NULL). */
int ic_json_object(json_t **out, const json_t *obj, const char *key,
                   int required, const char *file, const char *path);
int ic_json_array(json_t **out, const json_t *obj, const char *key,
                  int required, const char *file, const char *path);
/* An object whose values are all strings (numbers are accepted and kept). */
int ic_json_string_map(const json_t *obj, const char *file, const char *path);

/* Scalar (string, number, bool, null) as text; allocated. */
char *ic_json_scalar_text(const json_t *v);

#endif
