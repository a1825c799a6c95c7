#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html.h"

#define MAX_DEPTH 32

/* The JSON media types the server offers (parameters ignored). */
static const char *const json_types[] = {
    "application/json", "application/geo+json",
    "application/vnd.oai.openapi+json", NULL};

/* How specifically range (type/subtype, lower case) matches type: 3 exact,
 * 2 type wildcard, 1 any, 0 not at all. */
static int
range_match(const char *range, const char *type)
{
    const char *slash = strchr(type, '/');

    if (strcmp(range, type) == 0)
        return 3;
    if (strcmp(range, "*/*") == 0)
        return 1;
    if (slash && strncmp(range, type, (size_t)(slash - type + 1)) == 0 &&
        strcmp(range + (slash - type + 1), "*") == 0)
        return 2;
    return 0;
}

/* q of "q=..." in the parameters after a media range; 1 when absent,
 * -1 when malformed (the range is then ignored). */
static double
range_q(const char *params, size_t len)
{
    const char *p = params, *end = params + len;
    char num[16];
    char *stop;
    double q = 1.0;

    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *e = semi ? semi : end;
        size_t n;

        while (p < e && (*p == ' ' || *p == '\t'))
            p++;
        if (e - p > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            n = (size_t)(e - p - 2);
            while (n > 0 && (p[2 + n - 1] == ' ' || p[2 + n - 1] == '\t'))
                n--;
            if (n == 0 || n >= sizeof(num))
                return -1;
            memcpy(num, p + 2, n);
            num[n] = '\0';
            q = strtod(num, &stop);
            if (*stop || q < 0 || q > 1)
                return -1;
        }
        p = semi ? semi + 1 : end;
    }
    return q;
}

/* Best q (and its specificity) the Accept header gives any of types. */
static void
accept_rank(const char *accept, const char *const *types, double *q_out,
            int *spec_out)
{
    const char *p = accept;
    double best_q = 0;
    int best_spec = 0;

    while (*p) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *rend = semi ? semi : end;
        char range[128];
        size_t n;
        const char *const *t;
        double q;

        while (p < rend && (*p == ' ' || *p == '\t'))
            p++;
        n = (size_t)(rend - p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        q = semi ? range_q(semi + 1, (size_t)(end - semi - 1)) : 1.0;
        if (n > 0 && n < sizeof(range) && q >= 0) {
            size_t i;
            int spec = 0, s;

            for (i = 0; i < n; i++)
                range[i] = (char)tolower((unsigned char)p[i]);
            range[n] = '\0';
            for (t = types; *t; t++)
                if ((s = range_match(range, *t)) > spec)
                    spec = s;
            /* the most specific matching range decides (RFC 7231 5.3.2) */
            if (spec > best_spec || (spec == best_spec && spec && q > best_q)) {
                best_spec = spec;
                best_q = q;
            }
        }
        p = comma ? comma + 1 : end;
    }
    *q_out = best_q;
    *spec_out = best_spec;
}

int
ic_rs_html_wanted(const char *accept, const ic_rs_param *p, size_t n)
{
    static const char *const html_types[] = {"text/html", NULL};
    double qh, qj;
    int sh, sj;
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(p[i].key, "f") == 0)
            return p[i].value && strcmp(p[i].value, "html") == 0;
    if (!accept)
        return 0;
    accept_rank(accept, html_types, &qh, &sh);
    accept_rank(accept, json_types, &qj, &sj);
    if (qh <= 0)
        return 0;
    return qh > qj || (qh == qj && sh > sj);
}

void
ic_rs_html_escape(ic_buf *b, const char *s)
{
    const char *run = s;

    for (; *s; s++) {
        const char *ent;

        switch (*s) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        default:
            continue;
        }
        ic_buf_append(b, run, (size_t)(s - run));
        ic_buf_append(b, ent, strlen(ent));
        run = s + 1;
    }
    ic_buf_append(b, run, (size_t)(s - run));
}

static void
text(ic_buf *b, const char *s)
{
    ic_buf_append(b, s, strlen(s));
}

static int
is_url(const char *s)
{
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static void
anchor(ic_buf *b, const char *href, const char *rel, const char *type,
       const char *label)
{
    text(b, "<a href=\"");
    ic_rs_html_escape(b, href);
    text(b, "\"");
    if (rel) {
        text(b, " rel=\"");
        ic_rs_html_escape(b, rel);
        text(b, "\"");
    }
    if (type) {
        text(b, " type=\"");
        ic_rs_html_escape(b, type);
        text(b, "\"");
    }
    text(b, ">");
    ic_rs_html_escape(b, label);
    text(b, "</a>");
}

static void
scalar(ic_buf *b, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        if (is_url(json_string_value(v)))
            anchor(b, json_string_value(v), NULL, NULL, json_string_value(v));
        else
            ic_rs_html_escape(b, json_string_value(v));
        break;
    case JSON_INTEGER:
        ic_buf_appendf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        ic_buf_appendf(b, "%.12g", json_real_value(v));
        break;
    case JSON_TRUE:
        text(b, "true");
        break;
    case JSON_FALSE:
        text(b, "false");
        break;
    default:
        text(b, "null");
        break;
    }
}

/* An array of link objects: one list item with an <a> per link. */
static int
links(ic_buf *b, const json_t *v)
{
    size_t i;
    json_t *l;

    if (!json_is_array(v))
        return 0;
    json_array_foreach (v, i, l) {
        if (!json_is_string(json_object_get(l, "href")))
            return 0;
    }
    text(b, "<ul class=\"links\">\n");
    json_array_foreach (v, i, l) {
        const char *href = json_string_value(json_object_get(l, "href"));
        const char *rel = json_string_value(json_object_get(l, "rel"));
        const char *type = json_string_value(json_object_get(l, "type"));
        const char *title = json_string_value(json_object_get(l, "title"));

        text(b, "<li>");
        anchor(b, href, rel, type, title ? title : href);
        if (rel || type) {
            text(b, " (");
            ic_rs_html_escape(b, rel ? rel : "");
            text(b, rel && type ? ", " : "");
            ic_rs_html_escape(b, type ? type : "");
            text(b, ")");
        }
        text(b, "</li>\n");
    }
    text(b, "</ul>\n");
    return 1;
}

static int
all_scalars(const json_t *v)
{
    size_t i;
    json_t *x;

    json_array_foreach (v, i, x) {
        if (json_is_object(x) || json_is_array(x))
            return 0;
    }
    return 1;
}

static void
value(ic_buf *b, const json_t *v, int depth)
{
    const char *key;
    json_t *x;
    size_t i;

    if (depth > MAX_DEPTH) {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

        ic_rs_html_escape(b, s ? s : "");
        free(s);
        return;
    }
    if (json_is_object(v)) {
        text(b, "<dl>\n");
        json_object_foreach ((json_t *)v, key, x) {
            text(b, "<dt>");
            ic_rs_html_escape(b, key);
            text(b, "</dt>\n<dd>");
            if (strcmp(key, "links") != 0 || !links(b, x))
                value(b, x, depth + 1);
            text(b, "</dd>\n");
        }
        text(b, "</dl>\n");
    } else if (json_is_array(v) && all_scalars(v)) {
        /* coordinates, bboxes, lists of URIs: one line */
        json_array_foreach (v, i, x) {
            text(b, i ? ", " : "");
            scalar(b, x);
        }
    } else if (json_is_array(v)) {
        text(b, "<ol>\n");
        json_array_foreach (v, i, x) {
            text(b, "<li>");
            value(b, x, depth + 1);
            text(b, "</li>\n");
        }
        text(b, "</ol>\n");
    } else {
        scalar(b, v);
    }
}

char *
ic_rs_html_page(const char *title, const json_t *doc, size_t *len)
{
    ic_buf b;

    ic_buf_init(&b, 0);
    text(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
             "<meta charset=\"utf-8\"/>\n<title>");
    ic_rs_html_escape(&b, title);
    text(&b, "</title>\n</head>\n<body>\n<h1>");
    ic_rs_html_escape(&b, title);
    text(&b, "</h1>\n");
    value(&b, doc, 0);
    text(&b, "</body>\n</html>\n");
    return ic_buf_take(&b, len);
}
