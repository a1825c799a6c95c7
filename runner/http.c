#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "error.h"
#include "http.h"
#include "jsonfile.h"
#include "util.h"

#define MAX_HEADER_BYTES (1024 * 1024)
#define MAX_REQUEST_BYTES (4 * 1024 * 1024)

typedef struct transfer {
    CURL *easy;
    struct curl_slist *headers;
    ic_buf req; /* request header block as sent */
    ic_buf reqbody;
    ic_buf hdr; /* response header block (last response) */
    ic_buf body;
    int body_overflow;
    char errbuf[CURL_ERROR_SIZE];
    CURLcode result;
    char *method;
    char *url;
    char *post;
    void *user;
    struct transfer *next;
} transfer;

struct ic_http {
    CURLM *multi;
    ic_http_opts o;
    transfer *queued; /* FIFO of not-yet-started transfers */
    transfer *queued_tail;
    transfer *active;
    size_t nactive;
    size_t nqueued;
};

void
ic_http_opts_default(ic_http_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->jobs = 4;
    o->per_host = 4;
    o->connect_timeout_ms = 10000;
    o->timeout_ms = 60000;
    o->max_body = 64 * 1024 * 1024;
    o->max_redirects = 5;
    o->user_agent = "isrcert/" PACKAGE_VERSION;
}

int
ic_http_new(ic_http **out, const ic_http_opts *o)
{
    static int initialised;
    ic_http *h;

    if (!initialised) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
            return ic_error_set(IC_ERUNTIME, "libcurl failed to initialise");
        initialised = 1;
    }
    h = xcalloc(1, sizeof(*h));
    h->o = *o;
    if (h->o.jobs < 1)
        h->o.jobs = 1;
    h->multi = curl_multi_init();
    if (!h->multi) {
        free(h);
        return ic_error_set(IC_ERUNTIME, "libcurl multi handle unavailable");
    }
    curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                      (long)(h->o.per_host > 0 ? h->o.per_host : 4));
    curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      (long)h->o.jobs);
    *out = h;
    return IC_OK;
}

static void
transfer_free(transfer *t)
{
    if (!t)
        return;
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    ic_buf_dispose(&t->req);
    ic_buf_dispose(&t->reqbody);
    ic_buf_dispose(&t->hdr);
    ic_buf_dispose(&t->body);
    free(t->method);
    free(t->url);
    free(t->post);
    free(t);
}

void
ic_http_free(ic_http *h)
{
    transfer *t, *next;

    if (!h)
        return;
    for (t = h->active; t; t = next) {
        next = t->next;
        curl_multi_remove_handle(h->multi, t->easy);
        transfer_free(t);
    }
    for (t = h->queued; t; t = next) {
        next = t->next;
        transfer_free(t);
    }
    curl_multi_cleanup(h->multi);
    free(h);
}

static size_t
on_body(char *data, size_t size, size_t n, void *userp)
{
    transfer *t = userp;

    if (ic_buf_append(&t->body, data, size * n) < 0) {
        t->body_overflow = 1;
        return 0;
    }
    return size * n;
}

static size_t
on_header(char *data, size_t size, size_t n, void *userp)
{
    transfer *t = userp;
    size_t len = size * n;

    /* a new status line starts a new response (redirect, 100-continue) */
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0)
        t->hdr.len = 0;
    if (ic_buf_append(&t->hdr, data, len) < 0)
        return 0;
    return len;
}

static int
on_debug(CURL *easy, curl_infotype type, char *data, size_t size, void *userp)
{
    transfer *t = userp;

    (void)easy;
    if (type == CURLINFO_HEADER_OUT) {
        t->req.len = 0;
        t->reqbody.len = 0;
        ic_buf_append(&t->req, data, size);
    } else if (type == CURLINFO_DATA_OUT) {
        ic_buf_append(&t->reqbody, data, size);
    }
    return 0;
}

int
ic_http_submit(ic_http *h, const ic_http_req *req, void *user)
{
    transfer *t = xcalloc(1, sizeof(*t));
    CURL *e;

    ic_buf_init(&t->req, MAX_REQUEST_BYTES);
    ic_buf_init(&t->reqbody, MAX_REQUEST_BYTES);
    ic_buf_init(&t->hdr, MAX_HEADER_BYTES);
    ic_buf_init(&t->body, h->o.max_body);
    t->user = user;
    t->method = xstrdup(req->method ? req->method : "GET");
    t->url = xstrdup(req->url);
    t->easy = e = curl_easy_init();
    if (!e) {
        transfer_free(t);
        return ic_error_set(IC_ERUNTIME, "libcurl easy handle unavailable");
    }
    for (size_t i = 0; i < req->nheaders; i++)
        t->headers = curl_slist_append(t->headers, req->headers[i]);
    /* no "Expect: 100-continue" round trip for POST bodies */
    t->headers = curl_slist_append(t->headers, "Expect:");
    curl_easy_setopt(e, CURLOPT_URL, t->url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, h->o.max_redirects > 0);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, h->o.max_redirects);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->o.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->o.timeout_ms);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (h->o.ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, h->o.ca_file);
    curl_easy_setopt(e, CURLOPT_USERAGENT, h->o.user_agent);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(e, CURLOPT_DEBUGDATA, t);
    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    if (req->body) {
        t->post = xstrdup(req->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->post);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(t->post));
    }
    if (strcmp(t->method, "HEAD") == 0)
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    else if (strcmp(t->method, "GET") != 0 &&
             !(strcmp(t->method, "POST") == 0 && req->body))
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, t->method);
    if (h->queued_tail)
        h->queued_tail->next = t;
    else
        h->queued = t;
    h->queued_tail = t;
    h->nqueued++;
    return IC_OK;
}

static int
is_secret(const char *const *secrets, size_t nsecrets, const char *name,
          size_t len)
{
    for (size_t i = 0; i < nsecrets; i++)
        if (strlen(secrets[i]) == len &&
            strncasecmp(secrets[i], name, len) == 0)
            return 1;
    return 0;
}

char *
ic_http_redact_url(const char *url, const char *const *secrets, size_t nsecrets)
{
    const char *q = strchr(url, '?'), *p;
    ic_buf b;

    if (!q)
        return xstrdup(url);
    ic_buf_init(&b, 0);
    ic_buf_append(&b, url, (size_t)(q - url) + 1);
    p = q + 1;
    while (*p) {
        size_t n = strcspn(p, "&#");
        const char *eq = memchr(p, '=', n);

        if (eq && is_secret(secrets, nsecrets, p, (size_t)(eq - p))) {
            ic_buf_append(&b, p, (size_t)(eq - p) + 1);
            ic_buf_append(&b, IC_REDACTED, strlen(IC_REDACTED));
        } else {
            ic_buf_append(&b, p, n);
        }
        p += n;
        if (*p == '&') {
            ic_buf_append(&b, "&", 1);
            p++;
        } else if (*p == '#') {
            ic_buf_append(&b, p, strlen(p));
            break;
        }
    }
    return ic_buf_take(&b, NULL);
}

/* Redact a header block: the values of secret headers, and secret query
 * parameters in the request line's target ("GET /x?token=.. HTTP/1.1"). */
static char *
redact_block(const ic_http *h, const char *raw, size_t len, size_t *outlen)
{
    ic_buf b;
    const char *p = raw, *end = raw + len;

    ic_buf_init(&b, 0);
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p + 1) : (size_t)(end - p);
        const char *colon = memchr(p, ':', n);
        const char *sp1 = memchr(p, ' ', n);
        const char *sp2 =
            sp1 ? memchr(sp1 + 1, ' ', (size_t)(p + n - sp1 - 1)) : NULL;

        if (p == raw && sp2 && strncmp(p, "HTTP/", 5) != 0) {
            char *target = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
            char *red = ic_http_redact_url(target, h->o.secrets, h->o.nsecrets);

            ic_buf_append(&b, p, (size_t)(sp1 + 1 - p));
            ic_buf_append(&b, red, strlen(red));
            ic_buf_append(&b, sp2, (size_t)(p + n - sp2));
            free(target);
            free(red);
        } else if (p != raw && colon &&
                   is_secret(h->o.secrets, h->o.nsecrets, p,
                             (size_t)(colon - p))) {
            ic_buf_append(&b, p, (size_t)(colon - p) + 1);
            ic_buf_append(&b, " " IC_REDACTED "\r\n",
                          strlen(" " IC_REDACTED "\r\n"));
        } else if (p != raw && colon &&
                   (strncasecmp(p, "Location:", 9) == 0 ||
                    strncasecmp(p, "Content-Location:", 17) == 0)) {
            /* a redirect may repeat the secret query parameters */
            char *line = xstrndup(p, n);
            char *red = ic_http_redact_url(line, h->o.secrets, h->o.nsecrets);

            ic_buf_append(&b, red, strlen(red));
            free(line);
            free(red);
        } else {
            ic_buf_append(&b, p, n);
        }
        p += n;
    }
    return ic_buf_take(&b, outlen);
}

/* Replace every occurrence of the credential value, wherever it appears. */
static void
scrub(const ic_http *h, char **data, size_t *len)
{
    const char *v = h->o.secret_value;
    size_t vn = v ? strlen(v) : 0;
    ic_buf b;
    const char *p, *end;

    if (vn < 4 || !*data || !memmem(*data, *len, v, vn))
        return;
    ic_buf_init(&b, 0);
    p = *data;
    end = *data + *len;
    while (p < end) {
        const char *hit = memmem(p, (size_t)(end - p), v, vn);

        if (!hit) {
            ic_buf_append(&b, p, (size_t)(end - p));
            break;
        }
        ic_buf_append(&b, p, (size_t)(hit - p));
        ic_buf_append(&b, IC_REDACTED, strlen(IC_REDACTED));
        p = hit + vn;
    }
    free(*data);
    *data = ic_buf_take(&b, len);
}

static char *
describe_error(transfer *t, CURLcode rc, const ic_http *h)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return xasprintf("timeout: %s",
                         t->errbuf[0] ? t->errbuf : "no complete answer");
    case CURLE_COULDNT_CONNECT:
        return xasprintf("connection refused or unreachable: %s", t->errbuf);
    case CURLE_WRITE_ERROR:
        if (t->body_overflow)
            return xasprintf("response body exceeds the cap of %zu bytes",
                             h->o.max_body);
        break;
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return xasprintf("connection closed or reset: %s",
                         t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
    case CURLE_UNSUPPORTED_PROTOCOL:
        return xasprintf("redirect or URL to a scheme other than http/https "
                         "refused: %s",
                         t->errbuf);
    case CURLE_TOO_MANY_REDIRECTS:
        return xasprintf("more than %ld redirects", h->o.max_redirects);
    default:
        break;
    }
    return xasprintf("%s%s%s", curl_easy_strerror(rc), t->errbuf[0] ? ": " : "",
                     t->errbuf);
}

static void
finish(ic_http *h, transfer *t, CURLcode rc, ic_http_done_fn done, void *ctx)
{
    ic_response *r = xcalloc(1, sizeof(*r));
    char *eff = NULL, *redacted;
    double secs = 0;
    size_t n;

    ic_response_init(r);
    r->method = xstrdup(t->method);
    r->url = ic_http_redact_url(t->url, h->o.secrets, h->o.nsecrets);
    /* request bytes: header block as sent (redacted) + body */
    redacted = redact_block(h, t->req.data ? t->req.data : "", t->req.len, &n);
    ic_buf_append(&t->reqbody, "", 0);
    {
        ic_buf all;

        ic_buf_init(&all, 0);
        ic_buf_append(&all, redacted, n);
        if (t->reqbody.len)
            ic_buf_append(&all, t->reqbody.data, t->reqbody.len);
        r->request_raw = ic_buf_take(&all, &r->request_len);
    }
    free(redacted);
    scrub(h, &r->request_raw, &r->request_len);
    if (t->hdr.len) {
        r->header_raw =
            redact_block(h, t->hdr.data, t->hdr.len, &r->header_len);
        scrub(h, &r->header_raw, &r->header_len);
        ic_response_parse_headers(r, r->header_raw, r->header_len);
    }
    r->body = (unsigned char *)ic_buf_take(&t->body, &r->body_len);
    {
        char *body = (char *)r->body;

        scrub(h, &body, &r->body_len);
        r->body = (unsigned char *)body;
    }
    curl_easy_getinfo(t->easy, CURLINFO_EFFECTIVE_URL, &eff);
    if (eff)
        r->effective_url = ic_http_redact_url(eff, h->o.secrets, h->o.nsecrets);
    curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME, &secs);
    r->seconds = secs;
    if (rc != CURLE_OK) {
        r->transport_error = describe_error(t, rc, h);
        if (rc != CURLE_WRITE_ERROR)
            r->status = 0;
    }
    done(ctx, t->user, r);
}

static void
start_queued(ic_http *h)
{
    while (h->queued && h->nactive < (size_t)h->o.jobs) {
        transfer *t = h->queued;

        h->queued = t->next;
        h->nqueued--;
        if (!h->queued)
            h->queued_tail = NULL;
        t->next = h->active;
        h->active = t;
        h->nactive++;
        curl_multi_add_handle(h->multi, t->easy);
    }
}

int
ic_http_step(ic_http *h, int timeout_ms, ic_http_done_fn done, void *ctx)
{
    CURLMsg *msg;
    transfer *finished = NULL;
    int running = 0, left;

    start_queued(h);
    if (curl_multi_perform(h->multi, &running) != CURLM_OK)
        return ic_error_set(IC_ERUNTIME, "libcurl multi_perform failed");
    if (running &&
        curl_multi_poll(h->multi, NULL, 0, timeout_ms, NULL) != CURLM_OK)
        return ic_error_set(IC_ERUNTIME, "libcurl multi_poll failed");
    curl_multi_perform(h->multi, &running);
    while ((msg = curl_multi_info_read(h->multi, &left))) {
        transfer *t = NULL, **pp;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        t->result = msg->data.result;
        curl_multi_remove_handle(h->multi, t->easy);
        for (pp = &h->active; *pp; pp = &(*pp)->next)
            if (*pp == t) {
                *pp = t->next;
                break;
            }
        h->nactive--;
        t->next = finished;
        finished = t;
    }
    /* send the next requests before evaluating these responses, so that
     * evaluation overlaps the server's work instead of adding to it */
    start_queued(h);
    if (finished)
        curl_multi_perform(h->multi, &running);
    while (finished) {
        transfer *t = finished;

        finished = t->next;
        finish(h, t, t->result, done, ctx);
        transfer_free(t);
    }
    return IC_OK;
}

size_t
ic_http_running(const ic_http *h)
{
    return h->nactive + h->nqueued;
}

static void
encode(ic_buf *b, const char *s)
{
    static const char hexd[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || strchr("-._~,:/*!$'()@", c)) {
            ic_buf_append(b, s, 1);
        } else {
            char pct[3] = {'%', hexd[c >> 4], hexd[c & 15]};

            ic_buf_append(b, pct, 3);
        }
    }
}

static int
overridden(const json_t *query, const char *name, size_t len)
{
    const char *key;
    json_t *v;

    json_object_foreach ((json_t *)query, key, v) {
        (void)v;
        if (strlen(key) == len && strncasecmp(key, name, len) == 0)
            return 1;
    }
    return 0;
}

char *
ic_http_url(const char *endpoint, const char *path, const json_t *query,
            const char *raw_query)
{
    const char *q = strchr(endpoint, '?');
    size_t baselen = q ? (size_t)(q - endpoint) : strcspn(endpoint, "#");
    ic_buf b;
    int first = 1;
    const char *key;
    json_t *v;

    ic_buf_init(&b, 0);
    ic_buf_append(&b, endpoint, baselen);
    if (path && *path) {
        if (b.len && b.data[b.len - 1] == '/' && path[0] == '/')
            path++;
        else if (b.len && b.data[b.len - 1] != '/' && path[0] != '/')
            ic_buf_append(&b, "/", 1);
        ic_buf_append(&b, path, strlen(path));
    }
    if (q) {
        const char *p = q + 1;

        while (*p && *p != '#') {
            size_t n = strcspn(p, "&#");
            const char *eq = memchr(p, '=', n);
            size_t namelen = eq ? (size_t)(eq - p) : n;

            if (n && !(query && overridden(query, p, namelen))) {
                ic_buf_append(&b, first ? "?" : "&", 1);
                ic_buf_append(&b, p, n);
                first = 0;
            }
            p += n;
            if (*p == '&')
                p++;
        }
    }
    if (query)
        json_object_foreach ((json_t *)query, key, v) {
            char *text = ic_json_scalar_text(v);

            ic_buf_append(&b, first ? "?" : "&", 1);
            encode(&b, key);
            ic_buf_append(&b, "=", 1);
            encode(&b, text);
            free(text);
            first = 0;
        }
    if (raw_query && *raw_query) {
        ic_buf_append(&b, first ? "?" : "&", 1);
        ic_buf_append(&b, raw_query, strlen(raw_query));
    }
    return ic_buf_take(&b, NULL);
}
