#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "html.h"
#include "labels.h"
#include "ogcapi.h"
#include "util.h"

#define CONF "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
#define CRS84 "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#define GREGORIAN "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"

void
ic_rs_reply_json(ic_rs_reply *r, unsigned status, const char *type, json_t *doc)
{
    r->status = status;
    r->type = type;
    r->body = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
    r->len = r->body ? strlen(r->body) : 0;
    json_decref(doc);
    if (!r->body) {
        r->status = 500;
        r->type = IC_RS_TYPE_JSON;
        r->body = xstrdup("{\"code\": \"InternalServerError\"}");
        r->len = strlen(r->body);
    }
}

void
ic_rs_reply_error(ic_rs_reply *r, unsigned status, const char *code,
                  const char *fmt, ...)
{
    char text[512];
    va_list ap;

    char *p;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    /* the text may quote the request, which need not be UTF-8 */
    for (p = text; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            *p = '?';
    ic_rs_reply_json(
        r, status, IC_RS_TYPE_JSON,
        json_pack("{s:s, s:s}", "code", code, "description", text));
}

void
ic_rs_reply_dispose(ic_rs_reply *r)
{
    free(r->body);
    free(r->link);
    memset(r, 0, sizeof(*r));
}

/* Nothing that would end a quoted-string or a URI-Reference in <...>. */
static int
header_safe(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e ||
            strchr("<>\"\\", *s))
            return 0;
    return s != NULL;
}

/* The links as a Link header value (RFC 8288, 3): <href>; rel="r";
 * type="t", comma-separated. Titles are left out (they need not be
 * ASCII); a link that cannot be written safely is left out too. */
static char *
link_header(const json_t *links)
{
    ic_buf b;
    size_t i;
    json_t *l;

    ic_buf_init(&b, 0);
    json_array_foreach (links, i, l) {
        const char *href = json_string_value(json_object_get(l, "href"));
        const char *rel = json_string_value(json_object_get(l, "rel"));
        const char *type = json_string_value(json_object_get(l, "type"));

        if (!header_safe(href) || !header_safe(rel) ||
            (type && !header_safe(type)))
            continue;
        ic_buf_appendf(&b, "%s<%s>; rel=\"%s\"", b.len ? ", " : "", href, rel);
        if (type)
            ic_buf_appendf(&b, "; type=\"%s\"", type);
    }
    if (b.len == 0) {
        ic_buf_dispose(&b);
        return NULL;
    }
    return ic_buf_take(&b, NULL);
}

/* A resource: doc (stolen) as JSON of that type, or as an HTML page when
 * the client negotiated HTML; either way its links are repeated in a Link
 * header (/rec/core/link-header). */
static void
reply_resource(ic_rs_reply *r, const ic_rs_request *q, const char *type,
               const char *title, json_t *doc)
{
    char *link = link_header(json_object_get(doc, "links"));

    if (q->html) {
        r->status = 200;
        r->type = IC_RS_TYPE_HTML_UTF8;
        r->body = ic_rs_html_page(title, doc, &r->len);
        json_decref(doc);
    } else {
        ic_rs_reply_json(r, 200, type, doc);
    }
    r->negotiated = 1;
    if (r->status == 200)
        r->link = link;
    else
        free(link);
}

static void
add_link(json_t *links, const char *rel, const char *type, const char *title,
         char *href /* taken */)
{
    json_t *l = json_pack("{s:s, s:s}", "href", href, "rel", rel);

    if (type)
        json_object_set_new(l, "type", json_string(type));
    if (title)
        json_object_set_new(l, "title", json_string(title));
    json_array_append_new(links, l);
    free(href);
}

/* href (taken) with f=fmt added to its query. */
static char *
with_format(char *href, const char *fmt)
{
    char *out = xasprintf("%s%cf=%s", href, strchr(href, '?') ? '&' : '?', fmt);

    free(href);
    return out;
}

/* href (taken) of a link to another resource, in the representation
 * negotiated for this one. */
static char *
same_format(const ic_rs_request *q, char *href)
{
    return q->html ? with_format(href, "html") : href;
}

/* rel=self for the representation returned, rel=alternate for the other
 * one (/req/core/fc-md-links, fc-links, f-links); href (taken) has no f. */
static void
add_self_alternate(json_t *links, const ic_rs_request *q, const char *type,
                   const char *title, char *href)
{
    if (q->html) {
        add_link(links, "self", IC_RS_TYPE_HTML, title,
                 with_format(xstrdup(href), "html"));
        add_link(links, "alternate", type, "As JSON",
                 with_format(href, "json"));
    } else {
        add_link(links, "self", type, title, xstrdup(href));
        add_link(links, "alternate", IC_RS_TYPE_HTML, "As HTML",
                 with_format(href, "html"));
    }
}

void
ic_rs_get_landing(ic_rs_reply *r, const ic_rs_store *s, const ic_rs_request *q)
{
    json_t *links = json_array();
    const char *b = q->base;

    add_self_alternate(links, q, IC_RS_TYPE_JSON, "This document",
                       xasprintf("%s/", b));
    if (!(s->faults &
          (IC_RS_F_MISSING_SERVICE_DESC | IC_RS_F_NO_API_DEFINITION_LINK)))
        add_link(links, "service-desc", IC_RS_TYPE_OPENAPI,
                 "The API definition (OpenAPI 3.0)", xasprintf("%s/api", b));
    if (!(s->faults & IC_RS_F_NO_API_DEFINITION_LINK))
        add_link(links, "service-doc", IC_RS_TYPE_HTML,
                 "The API definition (OpenAPI 3.0) as HTML",
                 xasprintf("%s/api?f=html", b));
    add_link(links, "conformance", q->html ? IC_RS_TYPE_HTML : IC_RS_TYPE_JSON,
             "Conformance classes implemented",
             same_format(q, xasprintf("%s/conformance", b)));
    add_link(links, "data", q->html ? IC_RS_TYPE_HTML : IC_RS_TYPE_JSON,
             "Collections of ISR products",
             same_format(q, xasprintf("%s/collections", b)));
    add_link(links, "related", IC_RS_TYPE_JSON, "NVG 2.0 overlays",
             xasprintf("%s/nvg", b));
    add_link(links, "related", IC_RS_TYPE_JSON, "Cursor on Target events",
             xasprintf("%s/cot", b));
    reply_resource(r, q, IC_RS_TYPE_JSON, s->title,
                   json_pack("{s:s, s:s, s:o}", "title", s->title,
                             "description", s->description, "links", links));
}

void
ic_rs_get_api(ic_rs_reply *r, const ic_rs_store *s, const ic_rs_request *q)
{
    json_t *doc = json_deep_copy(s->openapi);

    json_object_set_new(doc, "servers", json_pack("[{s:s}]", "url", q->base));
    /* the HTML version /req/oas30/oas-definition-1 asks for */
    reply_resource(r, q, IC_RS_TYPE_OPENAPI, "API definition (OpenAPI 3.0)",
                   doc);
}

void
ic_rs_get_conformance(ic_rs_reply *r, const ic_rs_store *s,
                      const ic_rs_request *q)
{
    json_t *list = json_pack("[s, s]", CONF "core", CONF "oas30");
    json_t *links = json_array();

    if (!(s->faults & IC_RS_F_MISSING_CONF_CLASS))
        json_array_append_new(list, json_string(CONF "geojson"));
    add_self_alternate(links, q, IC_RS_TYPE_JSON, "Conformance declaration",
                       xasprintf("%s/conformance", q->base));
    reply_resource(r, q, IC_RS_TYPE_JSON, "Conformance declaration",
                   json_pack("{s:o, s:o}", "links", links, "conformsTo", list));
}

static const char *
geojson_type(const ic_rs_store *s)
{
    return (s->faults & IC_RS_F_WRONG_CONTENT_TYPE) ? IC_RS_TYPE_JSON
                                                    : IC_RS_TYPE_GEOJSON;
}

static json_t *
collection_json(const ic_rs_store *s, const ic_rs_request *q,
                const ic_rs_collection *c)
{
    json_t *links = json_array(), *doc;

    add_self_alternate(links, q, IC_RS_TYPE_JSON, c->title,
                       xasprintf("%s/collections/%s", q->base, c->id));
    /* one items link per encoding (/req/core/fc-md-items-links) */
    add_link(links, "items", IC_RS_TYPE_GEOJSON, "Products (GeoJSON)",
             xasprintf("%s/collections/%s/items", q->base, c->id));
    add_link(links, "items", IC_RS_TYPE_HTML, "Products (HTML)",
             xasprintf("%s/collections/%s/items?f=html", q->base, c->id));
    doc = json_pack("{s:s, s:s, s:s, s:o}", "id", c->id, "title", c->title,
                    "description", c->description, "links", links);
    if (!(s->faults & IC_RS_F_COLLECTION_NO_EXTENT)) {
        json_t *extent = json_object(), *bbox;

        if (c->has_bbox) {
            bbox = json_pack("[[f, f, f, f]]", c->bbox[0], c->bbox[1],
                             c->bbox[2], c->bbox[3]);
            json_object_set_new(
                extent, "spatial",
                json_pack("{s:o, s:s}", "bbox", bbox, "crs", CRS84));
        }
        if (c->tmin)
            json_object_set_new(extent, "temporal",
                                json_pack("{s:[[s, s]], s:s}", "interval",
                                          c->tmin, c->tmax, "trs", GREGORIAN));
        json_object_set_new(doc, "extent", extent);
    }
    json_object_set_new(doc, "itemType", json_string("feature"));
    json_object_set_new(doc, "crs", json_pack("[s]", CRS84));
    return doc;
}

void
ic_rs_get_collections(ic_rs_reply *r, const ic_rs_store *s,
                      const ic_rs_request *q)
{
    json_t *links = json_array(), *list = json_array();
    size_t i;

    add_self_alternate(links, q, IC_RS_TYPE_JSON, "Collections",
                       xasprintf("%s/collections", q->base));
    for (i = 0; i < s->ncollections; i++)
        json_array_append_new(list, collection_json(s, q, &s->collections[i]));
    reply_resource(
        r, q, IC_RS_TYPE_JSON, "Collections",
        json_pack("{s:o, s:o}", "links", links, "collections", list));
}

void
ic_rs_get_collection(ic_rs_reply *r, const ic_rs_store *s,
                     const ic_rs_request *q, const ic_rs_collection *c)
{
    reply_resource(r, q, IC_RS_TYPE_JSON, c->title, collection_json(s, q, c));
}

/* A copy of the stored feature (never shared between threads) + links. */
static json_t *
feature_json(const ic_rs_store *s, const ic_rs_request *q,
             const ic_rs_collection *c, const ic_rs_feature *f)
{
    json_t *doc = json_deep_copy(f->json), *links = json_array();
    char *item = xasprintf("%s/collections/%s/items/%s", q->base, c->id, f->id);

    add_self_alternate(links, q, geojson_type(s), "This product",
                       xstrdup(item));
    add_link(links, "collection", q->html ? IC_RS_TYPE_HTML : IC_RS_TYPE_JSON,
             c->title,
             same_format(q, xasprintf("%s/collections/%s", q->base, c->id)));
    if (ic_rs_product_label(s, c, f)) {
        add_link(links, IC_RS_NS_4774, IC_RS_TYPE_XML,
                 "STANAG 4774 confidentiality label",
                 xasprintf("%s/label", item));
        add_link(links, IC_RS_NS_4778, IC_RS_TYPE_XML,
                 "STANAG 4778 binding of the label to this product",
                 xasprintf("%s/binding", item));
    }
    json_object_set_new(doc, "links", links);
    free(item);
    return doc;
}

void
ic_rs_get_feature(ic_rs_reply *r, const ic_rs_store *s, const ic_rs_request *q,
                  const ic_rs_collection *c, const ic_rs_feature *f)
{
    reply_resource(r, q, geojson_type(s), f->id, feature_json(s, q, c, f));
}

/* base/collections/{c}/{items}?limit=..&offset=..[&bbox=..][&datetime=..] */
static char *
page_href(const ic_rs_request *q, const ic_rs_collection *c, const char *items,
          const ic_rs_items_query *iq, size_t offset)
{
    ic_buf b;

    ic_buf_init(&b, 0);
    ic_buf_appendf(&b, "%s/collections/%s/%s?limit=%u&offset=%zu", q->base,
                   c->id, items, iq->limit, offset);
    if (iq->bbox_raw) {
        ic_buf_appendf(&b, "&bbox=");
        ic_rs_query_encode(&b, iq->bbox_raw);
    }
    if (iq->datetime_raw) {
        ic_buf_appendf(&b, "&datetime=");
        ic_rs_query_encode(&b, iq->datetime_raw);
    }
    return ic_buf_take(&b, NULL);
}

static int
feature_matches(const ic_rs_items_query *iq, const ic_rs_feature *f)
{
    if (iq->has_bbox &&
        (!f->has_bbox || !ic_rs_bbox_intersects(iq->bbox, f->bbox)))
        return 0;
    if (iq->has_time && (!f->has_time || !ic_rs_time_matches(iq, f->time)))
        return 0;
    return 1;
}

void
ic_rs_get_items(ic_rs_reply *r, const ic_rs_store *s, const ic_rs_request *q,
                const ic_rs_collection *c)
{
    int lenient = (s->faults & IC_RS_F_INVALID_PARAM_ACCEPTED) != 0;
    ic_rs_items_query iq;
    json_t *features, *links, *doc;
    size_t i, matched = 0, returned = 0, cap;
    const char *page_type;
    char stamp[40];

    if (ic_rs_items_query_parse(&iq, q->params, q->nparams, s->limit_default,
                                s->limit_max, lenient) != 0) {
        ic_rs_reply_error(r, 400, "InvalidParameterValue", "%s",
                          ic_error_last());
        return;
    }
    if (s->faults & IC_RS_F_BBOX_IGNORED)
        iq.has_bbox = 0;
    cap = (s->faults & IC_RS_F_LIMIT_IGNORED) ? (size_t)-1 : iq.limit;
    features = json_array();
    for (i = 0; i < c->nfeatures; i++) {
        if (!feature_matches(&iq, &c->features[i]))
            continue;
        if (matched >= iq.offset && returned < cap) {
            json_array_append_new(features,
                                  feature_json(s, q, c, &c->features[i]));
            returned++;
        }
        matched++;
    }
    links = json_array();
    page_type = q->html ? IC_RS_TYPE_HTML : geojson_type(s);
    add_self_alternate(links, q, geojson_type(s), "This page",
                       page_href(q, c, "items", &iq, iq.offset));
    if (iq.offset + returned < matched)
        add_link(
            links, "next", page_type, "Next page",
            same_format(q, page_href(q, c,
                                     (s->faults & IC_RS_F_BROKEN_PAGING_LINK)
                                         ? "item"
                                         : "items",
                                     &iq, iq.offset + returned)));
    if (iq.offset > 0)
        add_link(
            links, "prev", page_type, "Previous page",
            same_format(
                q, page_href(q, c, "items", &iq,
                             iq.offset > iq.limit ? iq.offset - iq.limit : 0)));
    add_link(links, "collection", q->html ? IC_RS_TYPE_HTML : IC_RS_TYPE_JSON,
             c->title,
             same_format(q, xasprintf("%s/collections/%s", q->base, c->id)));
    if (s->faults & IC_RS_F_BAD_NUMBERMATCHED)
        matched += 7;
    ic_time_now_rfc3339(stamp, sizeof(stamp));
    doc = json_pack("{s:s, s:o, s:I, s:I, s:s, s:o}", "type",
                    "FeatureCollection", "features", features, "numberMatched",
                    (json_int_t)matched, "numberReturned", (json_int_t)returned,
                    "timeStamp", stamp, "links", links);
    reply_resource(r, q, geojson_type(s), c->title, doc);
}

static void
xml_index(ic_rs_reply *r, const ic_rs_request *q, const char *what,
          const char *path, const ic_rs_xmldoc *docs, size_t n)
{
    json_t *links = json_array(), *list = json_array(), *item, *il;
    size_t i;

    add_link(links, "self", IC_RS_TYPE_JSON, NULL,
             xasprintf("%s/%s", q->base, path));
    for (i = 0; i < n; i++) {
        il = json_array();
        add_link(il, "item", IC_RS_TYPE_XML, docs[i].title,
                 xasprintf("%s/%s/%s", q->base, path, docs[i].id));
        item = json_pack("{s:s}", docs[i].type ? "uid" : "id", docs[i].id);
        if (docs[i].title)
            json_object_set_new(item, "title", json_string(docs[i].title));
        if (docs[i].type)
            json_object_set_new(item, "type", json_string(docs[i].type));
        json_object_set_new(item, "links", il);
        json_array_append_new(list, item);
    }
    r->link = link_header(links);
    ic_rs_reply_json(r, 200, IC_RS_TYPE_JSON,
                     json_pack("{s:o, s:o}", what, list, "links", links));
}

void
ic_rs_get_overlay_index(ic_rs_reply *r, const ic_rs_store *s,
                        const ic_rs_request *q)
{
    xml_index(r, q, "overlays", "nvg", s->overlays, s->noverlays);
}

void
ic_rs_get_event_index(ic_rs_reply *r, const ic_rs_store *s,
                      const ic_rs_request *q)
{
    xml_index(r, q, "events", "cot", s->events, s->nevents);
}
