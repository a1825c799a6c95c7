/*
 * http — the only module that talks to the network: concurrent exchanges
 * over libcurl multi with timeouts, body caps, http/https-only redirects and
 * TLS verification; every exchange comes back as an ic_response holding the
 * exact (credential-redacted) bytes sent and received.
 */
#ifndef IC_HTTP_H
#define IC_HTTP_H

#include <stddef.h>

#include <jansson.h>

#include "response.h"

#define IC_REDACTED "[REDACTED]"

typedef struct ic_http_opts {
    int jobs;     /* concurrent transfers */
    int per_host; /* connections per host */
    long connect_timeout_ms;
    long timeout_ms; /* whole exchange */
    size_t max_body; /* response body cap in bytes */
    long max_redirects;
    const char *ca_file;        /* extra CA bundle or NULL */
    const char *const *secrets; /* header / query names to redact */
    size_t nsecrets;
    const char *secret_value; /* a credential value to scrub, or NULL */
    const char *user_agent;
} ic_http_opts;

typedef struct ic_http_req {
    const char *method;
    const char *url;
    const char *const *headers; /* "Name: value" */
    size_t nheaders;
    const char *body; /* NULL for none */
} ic_http_req;

typedef struct ic_http ic_http;

/* Called for each finished exchange; the callee owns *resp afterwards. */
typedef void (*ic_http_done_fn)(void *ctx, void *user, ic_response *resp);

void ic_http_opts_default(ic_http_opts *o);
int ic_http_new(ic_http **out, const ic_http_opts *o);
void ic_http_free(ic_http *h);
/* Queue an exchange; it starts at the next ic_http_step. */
int ic_http_submit(ic_http *h, const ic_http_req *req, void *user);
/* Wait (up to timeout_ms) for progress, then report finished exchanges. */
int ic_http_step(ic_http *h, int timeout_ms, ic_http_done_fn done, void *ctx);
size_t ic_http_running(const ic_http *h);

/* endpoint + path + merged query (request keys replace the endpoint's
 * keys of the same name, case-insensitively) + raw_query. Values are
 * percent-encoded. */
char *ic_http_url(const char *endpoint, const char *path, const json_t *query,
                  const char *raw_query);
/* Copy of url with the values of secret query parameters redacted. */
char *ic_http_redact_url(const char *url, const char *const *secrets,
                         size_t nsecrets);

#endif
