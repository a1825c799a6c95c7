#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "error.h"
#include "query.h"
#include "util.h"
#include "xmldocs.h"

/* NVG 2.0 elements derived from ContentType, which requires @uri. */
static const char *const content_items[] = {
    "text",     "point", "multipoint", "circle",       "ellipse", "rect",
    "polyline", "arrow", "corridor",   "orbit",        "polygon", "arc",
    "arcband",  "g",     "composite",  "content-item", NULL};

#define PARSE_OPTS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

void
ic_rs_xmldoc_dispose(ic_rs_xmldoc *d)
{
    free(d->id);
    free(d->title);
    free(d->type);
    free(d->body);
    memset(d, 0, sizeof(*d));
}

static int
parse(xmlDocPtr *out, char **data, size_t *len, const char *path)
{
    xmlParserCtxtPtr ctxt = NULL;
    const xmlError *err;
    int rc;

    *out = NULL;
    if ((rc = ic_file_read(data, len, path)) != 0)
        goto cleanup;
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        rc = ic_error_set(IC_ERUNTIME, "%s: out of memory", path);
        goto cleanup;
    }
    *out = xmlCtxtReadMemory(ctxt, *data, (int)*len, path, NULL, PARSE_OPTS);
    if (!*out) {
        const char *msg;

        err = xmlCtxtGetLastError(ctxt);
        msg = err && err->message ? err->message : "parse error";
        rc = ic_error_set(IC_EINPUT, "%s:%d: not well-formed XML: %.*s", path,
                          err ? err->line : 0, (int)strcspn(msg, "\n"), msg);
        goto cleanup;
    }
    rc = 0;
cleanup:
    xmlFreeParserCtxt(ctxt);
    return rc;
}

static int
is_content_item(xmlNodePtr n)
{
    const char *const *c;

    if (n->type != XML_ELEMENT_NODE || !n->ns ||
        !xmlStrEqual(n->ns->href, BAD_CAST IC_RS_NS_NVG))
        return 0;
    for (c = content_items; *c; c++)
        if (xmlStrEqual(n->name, BAD_CAST * c))
            return 1;
    return 0;
}

/* Check every content item under n has a uri; apply the NVG faults. */
static int
walk_nvg(xmlNodePtr n, const char *path, ic_rs_faults f, int *first_done)
{
    xmlNodePtr c;
    xmlChar *sym;

    for (c = n->children; c; c = c->next) {
        if (!is_content_item(c))
            continue;
        if (!xmlHasProp(c, BAD_CAST "uri"))
            return ic_error_set(IC_EINPUT,
                                "%s:%ld: NVG <%s> has no uri attribute", path,
                                xmlGetLineNo(c), (const char *)c->name);
        if ((f & IC_RS_F_NVG_MISSING_URI) && !*first_done) {
            xmlUnsetProp(c, BAD_CAST "uri");
            *first_done = 1;
        }
        sym = xmlGetProp(c, BAD_CAST "symbol");
        if (sym && (f & IC_RS_F_NVG_BAD_SYMBOL)) {
            const char *colon = strchr((const char *)sym, ':');

            if (colon)
                xmlSetProp(c, BAD_CAST "symbol", BAD_CAST(colon + 1));
        }
        xmlFree(sym);
        if (walk_nvg(c, path, f, first_done) != 0)
            return IC_EINPUT;
    }
    return 0;
}

/* Keep the file's bytes unless a fault changed the tree. */
static void
set_body(ic_rs_xmldoc *d, xmlDocPtr doc, char **data, size_t len, int changed)
{
    xmlChar *mem = NULL;
    int size = 0;

    if (changed) {
        xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
        if (mem) {
            d->body = xstrndup((const char *)mem, (size_t)size);
            d->len = (size_t)size;
            xmlFree(mem);
            return;
        }
    }
    d->body = *data;
    d->len = len;
    *data = NULL;
}

int
ic_rs_overlay_load(ic_rs_xmldoc *d, const char *path, ic_rs_faults f)
{
    xmlDocPtr doc = NULL;
    xmlNodePtr root;
    xmlChar *version = NULL;
    char *data = NULL;
    size_t len = 0;
    int rc, first_done = 0;

    if ((rc = parse(&doc, &data, &len, path)) != 0)
        goto cleanup;
    root = xmlDocGetRootElement(doc);
    if (!root || !xmlStrEqual(root->name, BAD_CAST "nvg") || !root->ns ||
        !xmlStrEqual(root->ns->href, BAD_CAST IC_RS_NS_NVG)) {
        rc = ic_error_set(IC_EINPUT,
                          "%s: root is not <nvg> in namespace " IC_RS_NS_NVG,
                          path);
        goto cleanup;
    }
    version = xmlGetProp(root, BAD_CAST "version");
    if (!version || strncmp((const char *)version, "2.", 2) != 0) {
        rc = ic_error_set(IC_EINPUT, "%s: <nvg> needs version=\"2.x\"", path);
        goto cleanup;
    }
    if ((rc = walk_nvg(root, path, f, &first_done)) != 0)
        goto cleanup;
    set_body(d, doc, &data, len,
             (f & (IC_RS_F_NVG_MISSING_URI | IC_RS_F_NVG_BAD_SYMBOL)) != 0);
cleanup:
    xmlFree(version);
    xmlFreeDoc(doc);
    free(data);
    return rc;
}

static int
number_attr(xmlNodePtr n, const char *name, double lo, double hi)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *end = NULL;
    double x = 0;

    if (v)
        x = strtod((const char *)v, &end);
    int ok = v && end != (char *)v && *end == '\0' && x >= lo && x <= hi;

    xmlFree(v);
    return ok;
}

int
ic_rs_event_load(ic_rs_xmldoc *d, const char *path, ic_rs_faults f)
{
    static const char *const attrs[] = {"version", "uid",   "type", "how",
                                        "time",    "start", "stale"};
    xmlChar *v[7] = {NULL};
    xmlDocPtr doc = NULL;
    xmlNodePtr root, c, point = NULL;
    double t[3];
    char *data = NULL;
    size_t len = 0, i;
    int rc;

    if ((rc = parse(&doc, &data, &len, path)) != 0)
        goto cleanup;
    root = xmlDocGetRootElement(doc);
    if (!root || root->ns || !xmlStrEqual(root->name, BAD_CAST "event")) {
        rc = ic_error_set(IC_EINPUT, "%s: root is not a CoT <event>", path);
        goto cleanup;
    }
    for (i = 0; i < 7; i++) {
        v[i] = xmlGetProp(root, BAD_CAST attrs[i]);
        if (!v[i] || !v[i][0]) {
            rc = ic_error_set(IC_EINPUT, "%s: <event> has no %s attribute",
                              path, attrs[i]);
            goto cleanup;
        }
        if (i >= 4 && ic_rs_time_parse(&t[i - 4], (const char *)v[i]) != 0) {
            rc = ic_error_set(IC_EINPUT,
                              "%s: <event> %s is not an RFC 3339 date-time",
                              path, attrs[i]);
            goto cleanup;
        }
    }
    if (strncmp((const char *)v[0], "2.", 2) != 0 ||
        !ic_rs_id_valid((const char *)v[1]) || t[2] <= t[1]) {
        rc = ic_error_set(IC_EINPUT,
                          "%s: <event> needs version 2.x, a uid usable in a "
                          "URL ([A-Za-z0-9][A-Za-z0-9._-]*) and stale after "
                          "start",
                          path);
        goto cleanup;
    }
    for (c = root->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !c->ns &&
            xmlStrEqual(c->name, BAD_CAST "point"))
            point = c;
    if (!point || !number_attr(point, "lat", -90, 90) ||
        !number_attr(point, "lon", -180, 180) ||
        !number_attr(point, "hae", -1e7, 1e7) ||
        !number_attr(point, "ce", 0, 1e7) ||
        !number_attr(point, "le", 0, 1e7)) {
        rc = ic_error_set(IC_EINPUT,
                          "%s: <event> needs <point lat lon hae ce le/> with "
                          "numbers in range",
                          path);
        goto cleanup;
    }
    if (f & IC_RS_F_COT_STALE_BEFORE_START) {
        time_t stale = (time_t)t[1] - 3600;
        struct tm tm;
        char buf[32];

        gmtime_r(&stale, &tm);
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
        xmlSetProp(root, BAD_CAST "stale", BAD_CAST buf);
    }
    d->id = xstrdup((const char *)v[1]);
    d->type = xstrdup((const char *)v[2]);
    set_body(d, doc, &data, len, (f & IC_RS_F_COT_STALE_BEFORE_START) != 0);
cleanup:
    for (i = 0; i < 7; i++)
        xmlFree(v[i]);
    xmlFreeDoc(doc);
    free(data);
    return rc;
}
