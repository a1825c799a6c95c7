#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "jsonfile.h"
#include "jsonptr.h"
#include "util.h"

/* Decode ~0 and ~1 in place. */
static void
unescape(char *s)
{
    char *w = s;

    for (char *r = s; *r; r++) {
        if (r[0] == '~' && r[1] == '0') {
            *w++ = '~';
            r++;
        } else if (r[0] == '~' && r[1] == '1') {
            *w++ = '/';
            r++;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

static json_t *
select_member(const json_t *array, const char *seg)
{
    size_t len = strlen(seg), i;
    const char *eq = strchr(seg, '=');
    char *name, *want;
    json_t *item, *found = NULL;

    if (!eq || seg[len - 1] != ']')
        return NULL;
    name = xstrndup(seg + 1, (size_t)(eq - seg - 1));
    want = xstrndup(eq + 1, (size_t)(seg + len - 1 - eq - 1));
    json_array_foreach (array, i, item) {
        json_t *m = json_object_get(item, name);

        if (m && !found) {
            char *text = ic_json_scalar_text(m);

            if (strcmp(text, want) == 0)
                found = item;
            free(text);
        }
    }
    free(name);
    free(want);
    return found;
}

static json_t *
step(const json_t *v, char *seg)
{
    if (json_is_object(v))
        return json_object_get(v, seg);
    if (!json_is_array(v))
        return NULL;
    if (seg[0] == '[')
        return select_member(v, seg);
    if (!seg[0] || strspn(seg, "0123456789") != strlen(seg) ||
        (seg[0] == '0' && seg[1]))
        return NULL;
    return json_array_get(v, strtoul(seg, NULL, 10));
}

json_t *
ic_jsonptr_get(const json_t *doc, const char *pointer)
{
    const json_t *v = doc;
    const char *p = pointer;

    if (!doc || !pointer || (*p && *p != '/'))
        return NULL;
    while (v && *p == '/') {
        const char *next = strchr(p + 1, '/');
        char *seg;

        /* a bracketed selector may itself contain '/' in its value */
        if (p[1] == '[') {
            const char *close = strchr(p + 1, ']');

            if (close)
                next = strchr(close, '/');
        }
        seg = next ? xstrndup(p + 1, (size_t)(next - p - 1)) : xstrdup(p + 1);
        if (seg[0] != '[')
            unescape(seg);
        v = step(v, seg);
        free(seg);
        p = next ? next : p + strlen(p);
    }
    return (json_t *)v;
}

int
ic_jsonptr_check(const char *pointer)
{
    if (*pointer && *pointer != '/')
        return -1;
    for (const char *p = pointer; *p; p++)
        if (*p == '~' && p[1] != '0' && p[1] != '1')
            return -1;
    return 0;
}
