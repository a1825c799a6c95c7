/*
 * ogcapi — the JSON resources: OGC API - Features landing page, API
 * definition, conformance, collections, items and features (with the
 * OGC API faults applied) in JSON or HTML with their links repeated as Link
 * headers, the NVG/CoT indexes, and the reply type.
 */
#ifndef IC_RS_OGCAPI_H
#define IC_RS_OGCAPI_H

#include <stddef.h>

#include <jansson.h>

#include "query.h"
#include "store.h"

#define IC_RS_TYPE_JSON "application/json"
#define IC_RS_TYPE_GEOJSON "application/geo+json"
#define IC_RS_TYPE_OPENAPI "application/vnd.oai.openapi+json;version=3.0"
#define IC_RS_TYPE_XML "application/xml"
#define IC_RS_TYPE_HTML "text/html" /* in links */
#define IC_RS_TYPE_HTML_UTF8 "text/html; charset=utf-8"

typedef struct ic_rs_reply {
    unsigned status;
    const char *type; /* static string */
    char *body;       /* owned, malloc'd */
    size_t len;
    char *link;     /* owned: Link header (RFC 8288) mirroring the body's links;
                       NULL for none */
    int negotiated; /* the representation depends on Accept (Vary) */
} ic_rs_reply;

typedef struct ic_rs_request {
    const char *path; /* starts with '/' */
    const ic_rs_param *params;
    size_t nparams;
    const char *base; /* "http://host:port", no trailing slash */
    int html;         /* text/html negotiated (f=html or Accept) */
} ic_rs_request;

/* Take doc (stolen) as the reply body. */
void ic_rs_reply_json(ic_rs_reply *r, unsigned status, const char *type,
                      json_t *doc);
/* An OGC exception document {"code", "description"}. */
void ic_rs_reply_error(ic_rs_reply *r, unsigned status, const char *code,
                       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void ic_rs_reply_dispose(ic_rs_reply *r);

void ic_rs_get_landing(ic_rs_reply *r, const ic_rs_store *s,
                       const ic_rs_request *q);
void ic_rs_get_api(ic_rs_reply *r, const ic_rs_store *s,
                   const ic_rs_request *q);
void ic_rs_get_conformance(ic_rs_reply *r, const ic_rs_store *s,
                           const ic_rs_request *q);
void ic_rs_get_collections(ic_rs_reply *r, const ic_rs_store *s,
                           const ic_rs_request *q);
void ic_rs_get_collection(ic_rs_reply *r, const ic_rs_store *s,
                          const ic_rs_request *q, const ic_rs_collection *c);
/* The items page; 400 for an invalid query. */
void ic_rs_get_items(ic_rs_reply *r, const ic_rs_store *s,
                     const ic_rs_request *q, const ic_rs_collection *c);
void ic_rs_get_feature(ic_rs_reply *r, const ic_rs_store *s,
                       const ic_rs_request *q, const ic_rs_collection *c,
                       const ic_rs_feature *f);
void ic_rs_get_overlay_index(ic_rs_reply *r, const ic_rs_store *s,
                             const ic_rs_request *q);
void ic_rs_get_event_index(ic_rs_reply *r, const ic_rs_store *s,
                           const ic_rs_request *q);

#endif
