/*
 * run — one execution of a profile against a target: plans test instances
 * (needs, when, foreach), executes them through a transport (live HTTP or
 * recorded evidence), evaluates assertions and captures, and builds the
 * report document.
 */
#ifndef IC_RUN_H
#define IC_RUN_H

#include <stddef.h>

#include <jansson.h>

#include "http.h"

/* Where responses come from: the network, or a recorded run (replay). */
typedef struct ic_transport {
    int (*submit)(void *self, const char *instance, const ic_http_req *req,
                  void *user);
    int (*step)(void *self, int timeout_ms, ic_http_done_fn done, void *ctx);
    size_t (*running)(void *self);
    void *self;
} ic_transport;

/* Called after each evaluated exchange (evidence writer); may fill the
 * result's "evidence" member. Returns <0 on an I/O error (run aborts). */
typedef int (*ic_exchange_fn)(void *ctx, const char *instance,
                              const ic_response *r, json_t *result);

typedef struct ic_run_opts {
    const char *profile;
    const char *target;
    const json_t *target_doc; /* instead of target: a report's "target" */
    int replay;               /* no credentials, no network */
    const char *catalog;
    ic_http_opts http;
    int progress; /* print a progress line to stderr */
    ic_exchange_fn on_exchange;
    void *exchange_ctx;
} ic_run_opts;

/* Run and return the report document (new reference) in *report.
 * IC_EINPUT for invalid profile/suite/target, IC_ERUNTIME otherwise.
 * transport NULL means live HTTP with o->http. */
int ic_run_execute(json_t **report, const ic_run_opts *o,
                   const ic_transport *transport);

#endif
