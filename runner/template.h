/*
 * template — ${name} / ${name.field} expansion of strings and JSON values
 * against a scope: a short stack of JSON objects searched first to last
 * (foreach item, captures, profile parameters, suite parameters).
 */
#ifndef IC_TEMPLATE_H
#define IC_TEMPLATE_H

#include <stddef.h>

#include <jansson.h>

#define IC_SCOPE_MAX 6

typedef struct ic_scope {
    const json_t *layers[IC_SCOPE_MAX]; /* borrowed objects; NULL skipped */
    size_t n;
} ic_scope;

void ic_scope_push(ic_scope *s, const json_t *obj);
/* Value of "name" or "name.field" (borrowed) or NULL. */
const json_t *ic_scope_lookup(const ic_scope *s, const char *name);

/* Expand every ${...} of tmpl. A list value expands to its items joined by
 * ",". Unresolved name → -1 with the message "unresolved ${x}" in err. */
int ic_template_expand(char **out, const char *tmpl, const ic_scope *s,
                       char *err, size_t errlen);
/* Deep copy of v with every string expanded. */
int ic_template_expand_json(json_t **out, const json_t *v, const ic_scope *s,
                            char *err, size_t errlen);
/* Syntax check only (unterminated "${"); -1 with message in err. */
int ic_template_check(const char *tmpl, char *err, size_t errlen);
/* Nonzero when the string contains a template. */
int ic_template_has(const char *s);

#endif
