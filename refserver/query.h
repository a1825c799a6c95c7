/*
 * query — query parameters of a request: the items query (limit, offset,
 * bbox, datetime), RFC 3339 times, and percent-encoding for links.
 */
#ifndef IC_RS_QUERY_H
#define IC_RS_QUERY_H

#include <stddef.h>

#include "util.h"

typedef struct ic_rs_param {
    const char *key;
    const char *value; /* NULL for "?key" without '=' */
} ic_rs_param;

typedef struct ic_rs_items_query {
    unsigned limit;
    size_t offset;
    int has_bbox;
    double bbox[4]; /* west, south, east, north; west > east crosses 180 */
    int has_time;
    double t0, t1;        /* -HUGE_VAL / HUGE_VAL for an open end */
    const char *bbox_raw; /* borrowed from the params, for links */
    const char *datetime_raw;
} ic_rs_items_query;

/* RFC 3339 date-time to seconds since the epoch; IC_EINPUT if invalid. */
int ic_rs_time_parse(double *out, const char *s);

/* Reject (IC_EINPUT) a parameter not in allowed (NULL-terminated), a
 * repeated one, and f other than "json" (or "html" when html is set) where
 * f is allowed. */
int ic_rs_params_check(const ic_rs_param *p, size_t n,
                       const char *const *allowed, int html);

/* Parse the items query. lenient: invalid values fall back to defaults
 * instead of IC_EINPUT. limit above max is reduced to max. */
int ic_rs_items_query_parse(ic_rs_items_query *q, const ic_rs_param *p,
                            size_t n, unsigned limit_default,
                            unsigned limit_max, int lenient);

int ic_rs_bbox_intersects(const double box[4], const double feature[4]);
int ic_rs_time_matches(const ic_rs_items_query *q, double t);

/* Append s percent-encoded for a query value (unreserved and ",:/" kept). */
void ic_rs_query_encode(ic_buf *b, const char *s);

#endif
