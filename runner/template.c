#include "config.h"

#include <stdio.h>
#include <string.h>

#include "jsonfile.h"
#include "template.h"
#include "util.h"

void
ic_scope_push(ic_scope *s, const json_t *obj)
{
    if (obj && s->n < IC_SCOPE_MAX)
        s->layers[s->n++] = obj;
}

const json_t *
ic_scope_lookup(const ic_scope *s, const char *name)
{
    const char *dot = strchr(name, '.');
    char *head = dot ? xstrndup(name, (size_t)(dot - name)) : NULL;
    const json_t *v = NULL;

    for (size_t i = 0; i < s->n && !v; i++)
        v = json_object_get(s->layers[i], head ? head : name);
    free(head);
    while (v && dot) {
        const char *next = strchr(dot + 1, '.');
        char *field = next ? xstrndup(dot + 1, (size_t)(next - dot - 1))
                           : xstrdup(dot + 1);

        v = json_is_object(v) ? json_object_get(v, field) : NULL;
        free(field);
        dot = next;
    }
    return v;
}

static int
append_value(ic_buf *b, const json_t *v, const char *name, char *err,
             size_t errlen)
{
    size_t i;
    json_t *item;

    if (json_is_array(v)) {
        json_array_foreach (v, i, item) {
            if (json_is_object(item) || json_is_array(item)) {
                snprintf(err, errlen, "${%s} is a list of records", name);
                return -1;
            }
            if (i)
                ic_buf_append(b, ",", 1);
            if (append_value(b, item, name, err, errlen) < 0)
                return -1;
        }
        return 0;
    }
    if (json_is_object(v)) {
        snprintf(err, errlen, "${%s} is a record, not a value", name);
        return -1;
    }
    char *text = ic_json_scalar_text(v);
    ic_buf_append(b, text, strlen(text));
    free(text);
    return 0;
}

/* Escape POSIX ERE metacharacters in b->data[mark..]. */
static int
regex_escape_tail(ic_buf *b, size_t mark)
{
    char *tail = xstrndup(b->data + mark, b->len - mark);

    b->len = mark;
    for (const char *p = tail; *p; p++) {
        if (strchr("\\^$.|?*+()[]{}", *p))
            ic_buf_append(b, "\\", 1);
        ic_buf_append(b, p, 1);
    }
    free(tail);
    return 0;
}

int
ic_template_expand(char **out, const char *tmpl, const ic_scope *s, char *err,
                   size_t errlen)
{
    ic_buf b;
    const char *p = tmpl;

    *out = NULL;
    ic_buf_init(&b, 0);
    while (*p) {
        const char *start = strstr(p, "${");

        if (!start) {
            ic_buf_append(&b, p, strlen(p));
            break;
        }
        if (start > p && start[-1] == '$') {
            ic_buf_append(&b, p, (size_t)(start - p) - 1);
            ic_buf_append(&b, "${", 2);
            p = start + 2;
            continue;
        }
        ic_buf_append(&b, p, (size_t)(start - p));
        const char *end = strchr(start + 2, '}');
        if (!end) {
            snprintf(err, errlen, "unterminated \"${\" in \"%s\"", tmpl);
            goto fail;
        }
        char *name = xstrndup(start + 2, (size_t)(end - start - 2));
        char *filter = strchr(name, '|');
        const json_t *v;
        size_t mark = b.len;

        if (filter)
            *filter++ = '\0';
        v = ic_scope_lookup(s, name);
        if (!v) {
            snprintf(err, errlen, "unresolved ${%s}", name);
            free(name);
            goto fail;
        }
        int rc = append_value(&b, v, name, err, errlen);
        if (rc == 0 && filter && strcmp(filter, "re") == 0) {
            rc = regex_escape_tail(&b, mark);
        } else if (rc == 0 && filter) {
            snprintf(err, errlen, "unknown filter \"|%s\" in ${%s|%s}", filter,
                     name, filter);
            rc = -1;
        }
        free(name);
        if (rc < 0)
            goto fail;
        p = end + 1;
    }
    *out = ic_buf_take(&b, NULL);
    return 0;
fail:
    ic_buf_dispose(&b);
    return -1;
}

int
ic_template_expand_json(json_t **out, const json_t *v, const ic_scope *s,
                        char *err, size_t errlen)
{
    const char *key;
    json_t *item, *copy;
    size_t i;
    char *text;

    *out = NULL;
    switch (json_typeof(v)) {
    case JSON_STRING:
        if (!ic_template_has(json_string_value(v))) {
            *out = json_incref((json_t *)v);
            return 0;
        }
        if (ic_template_expand(&text, json_string_value(v), s, err, errlen))
            return -1;
        *out = json_string(text);
        free(text);
        return *out ? 0 : -1;
    case JSON_OBJECT:
        *out = json_object();
        json_object_foreach ((json_t *)v, key, item) {
            if (ic_template_expand_json(&copy, item, s, err, errlen) < 0)
                goto fail;
            json_object_set_new(*out, key, copy);
        }
        return 0;
    case JSON_ARRAY:
        *out = json_array();
        json_array_foreach (v, i, item) {
            if (ic_template_expand_json(&copy, item, s, err, errlen) < 0)
                goto fail;
            json_array_append_new(*out, copy);
        }
        return 0;
    default:
        *out = json_incref((json_t *)v);
        return 0;
    }
fail:
    json_decref(*out);
    *out = NULL;
    return -1;
}

int
ic_template_check(const char *tmpl, char *err, size_t errlen)
{
    const char *p = tmpl;

    while ((p = strstr(p, "${")) != NULL) {
        const char *end = strchr(p + 2, '}');

        if (!end) {
            snprintf(err, errlen, "unterminated \"${\" in \"%s\"", tmpl);
            return -1;
        }
        if (end == p + 2) {
            snprintf(err, errlen, "empty \"${}\" in \"%s\"", tmpl);
            return -1;
        }
        p = end + 1;
    }
    return 0;
}

int
ic_template_has(const char *s)
{
    return strstr(s, "${") != NULL;
}
