#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "response.h"
#include "util.h"

void
ic_response_init(ic_response *r)
{
    memset(r, 0, sizeof(*r));
}

static void
headers_clear(ic_response *r)
{
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    r->headers = NULL;
    r->nheaders = 0;
}

void
ic_response_dispose(ic_response *r)
{
    if (!r)
        return;
    free(r->method);
    free(r->url);
    free(r->request_raw);
    free(r->header_raw);
    headers_clear(r);
    free(r->body);
    free(r->effective_url);
    free(r->transport_error);
    ic_response_init(r);
}

const char *
ic_response_header(const ic_response *r, const char *name)
{
    const char *v = NULL;

    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            v = r->headers[i].value;
    return v;
}

static size_t
trim_len(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
                 s[n - 1] == '\n'))
        n--;
    return n;
}

int
ic_response_parse_headers(ic_response *r, const char *raw, size_t len)
{
    const char *p = raw, *end = raw + len;
    size_t cap = 0;

    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        const char *next = eol ? eol + 1 : end;

        n = trim_len(p, n);
        if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
            const char *sp = memchr(p, ' ', n);

            headers_clear(r);
            cap = 0;
            r->status = 0;
            if (sp) {
                char code[4] = {0};
                size_t left = n - (size_t)(sp + 1 - p);

                if (left >= 3) {
                    memcpy(code, sp + 1, 3);
                    r->status = strtol(code, NULL, 10);
                }
            }
        } else if (n > 0) {
            const char *colon = memchr(p, ':', n);

            if (colon && colon > p) {
                const char *v = colon + 1;
                size_t vn = n - (size_t)(v - p);

                while (vn && (*v == ' ' || *v == '\t')) {
                    v++;
                    vn--;
                }
                if (r->nheaders == cap) {
                    cap = cap ? cap * 2 : 16;
                    r->headers =
                        xrealloc(r->headers, cap * sizeof(*r->headers));
                }
                r->headers[r->nheaders].name = xstrndup(p, (size_t)(colon - p));
                r->headers[r->nheaders].value = xstrndup(v, vn);
                r->nheaders++;
            }
        }
        p = next;
    }
    return IC_OK;
}
