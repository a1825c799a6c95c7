#include "config.h"

#include <string.h>

#include "error.h"
#include "labels.h"
#include "router.h"
#include "util.h"

#define MAX_SEGMENTS 6
#define MAX_SEGMENT_LEN 128

static const char *const no_params[] = {NULL};
static const char *const json_params[] = {"f", NULL};
static const char *const items_params[] = {"limit",    "offset", "bbox",
                                           "datetime", "f",      NULL};

/* Split "/a/b/c" into segments; -1 for "//", a trailing "/" (except the
 * root) or too many or too long segments. */
static int
split(char seg[MAX_SEGMENTS][MAX_SEGMENT_LEN + 1], const char *path)
{
    int n = 0;
    size_t len;
    const char *p = path, *end;

    if (*p != '/')
        return -1;
    if (p[1] == '\0')
        return 0;
    while (*p == '/') {
        p++;
        end = strchr(p, '/');
        len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0 || len > MAX_SEGMENT_LEN || n == MAX_SEGMENTS)
            return -1;
        memcpy(seg[n], p, len);
        seg[n][len] = '\0';
        n++;
        p += len;
    }
    return n;
}

/* html: the resource has an HTML representation (f=html allowed). */
static int
params_ok(ic_rs_reply *r, const ic_rs_store *s, const ic_rs_request *q,
          const char *const *allowed, int html)
{
    if (s->faults & IC_RS_F_INVALID_PARAM_ACCEPTED)
        return 1;
    if (ic_rs_params_check(q->params, q->nparams, allowed, html) != 0) {
        ic_rs_reply_error(r, 400, "InvalidParameterValue", "%s",
                          ic_error_last());
        return 0;
    }
    return 1;
}

static void
not_found(ic_rs_reply *r, const char *path)
{
    ic_rs_reply_error(r, 404, "NotFound", "no resource at %.200s", path);
}

static void
xml_reply(ic_rs_reply *r, ic_buf *b)
{
    r->status = 200;
    r->type = IC_RS_TYPE_XML;
    r->body = ic_buf_take(b, &r->len);
}

/* /collections/{c}/items/{id}[/label|/binding] */
static void
route_product(ic_rs_reply *r, const ic_rs_store *s, const ic_rs_request *q,
              const ic_rs_collection *c, char seg[][MAX_SEGMENT_LEN + 1], int n)
{
    const ic_rs_feature *f = ic_rs_collection_feature(c, seg[3]);
    const ic_rs_label *l;
    ic_buf b;

    if (!f) {
        if (s->faults & IC_RS_F_500_ON_MISSING_ITEM)
            ic_rs_reply_error(r, 500, "InternalServerError",
                              "lookup of %.100s failed", seg[3]);
        else
            ic_rs_reply_error(r, 404, "NotFound",
                              "no product \"%.100s\" in collection %s", seg[3],
                              c->id);
        return;
    }
    if (n == 4) {
        if (params_ok(r, s, q, json_params, 1))
            ic_rs_get_feature(r, s, q, c, f);
        return;
    }
    if (n != 5 ||
        (strcmp(seg[4], "label") != 0 && strcmp(seg[4], "binding") != 0)) {
        not_found(r, q->path);
        return;
    }
    l = ic_rs_product_label(s, c, f);
    if (!l) {
        ic_rs_reply_error(r, 404, "NotFound", "product %s has no label", f->id);
        return;
    }
    if (!params_ok(r, s, q, no_params, 0))
        return;
    ic_buf_init(&b, 0);
    if (seg[4][0] == 'l')
        ic_rs_label_xml(&b, s, l);
    else
        ic_rs_binding_xml(&b, s, c, f, l, q->base);
    xml_reply(r, &b);
}

static void
route_collections(ic_rs_reply *r, const ic_rs_store *s, const ic_rs_request *q,
                  char seg[][MAX_SEGMENT_LEN + 1], int n)
{
    const ic_rs_collection *c;

    if (n == 1) {
        if (params_ok(r, s, q, json_params, 1))
            ic_rs_get_collections(r, s, q);
        return;
    }
    c = ic_rs_store_collection(s, seg[1]);
    if (!c) {
        ic_rs_reply_error(r, 404, "NotFound", "no collection \"%.100s\"",
                          seg[1]);
        return;
    }
    if (n == 2) {
        if (params_ok(r, s, q, json_params, 1))
            ic_rs_get_collection(r, s, q, c);
    } else if (strcmp(seg[2], "items") != 0) {
        not_found(r, q->path);
    } else if (n == 3) {
        if (params_ok(r, s, q, items_params, 1))
            ic_rs_get_items(r, s, q, c);
    } else {
        route_product(r, s, q, c, seg, n);
    }
}

static void
route_xmldocs(ic_rs_reply *r, const ic_rs_store *s, const ic_rs_request *q,
              char seg[][MAX_SEGMENT_LEN + 1], int n)
{
    int nvg = strcmp(seg[0], "nvg") == 0;
    const ic_rs_xmldoc *d;

    if (n == 1) {
        if (!params_ok(r, s, q, json_params, 0))
            return;
        if (nvg)
            ic_rs_get_overlay_index(r, s, q);
        else
            ic_rs_get_event_index(r, s, q);
        return;
    }
    d = n == 2 ? (nvg ? ic_rs_xmldoc_find(s->overlays, s->noverlays, seg[1])
                      : ic_rs_xmldoc_find(s->events, s->nevents, seg[1]))
               : NULL;
    if (!d) {
        not_found(r, q->path);
        return;
    }
    if (!params_ok(r, s, q, no_params, 0))
        return;
    r->status = 200;
    r->type = IC_RS_TYPE_XML;
    r->body = xstrndup(d->body, d->len);
    r->len = d->len;
}

void
ic_rs_route(ic_rs_reply *r, const ic_rs_store *s, const ic_rs_request *q)
{
    char seg[MAX_SEGMENTS][MAX_SEGMENT_LEN + 1];
    int n = split(seg, q->path);

    memset(r, 0, sizeof(*r));
    if (n < 0) {
        not_found(r, q->path);
    } else if (n == 0) {
        if (params_ok(r, s, q, json_params, 1))
            ic_rs_get_landing(r, s, q);
    } else if (n == 1 && strcmp(seg[0], "api") == 0) {
        if (params_ok(r, s, q, json_params, 1))
            ic_rs_get_api(r, s, q);
    } else if (n == 1 && strcmp(seg[0], "conformance") == 0) {
        if (params_ok(r, s, q, json_params, 1))
            ic_rs_get_conformance(r, s, q);
    } else if (strcmp(seg[0], "collections") == 0) {
        route_collections(r, s, q, seg, n);
    } else if (strcmp(seg[0], "nvg") == 0 || strcmp(seg[0], "cot") == 0) {
        route_xmldocs(r, s, q, seg, n);
    } else {
        not_found(r, q->path);
    }
}
