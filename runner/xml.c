#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/catalog.h>
#include <libxml/uri.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "error.h"
#include "util.h"
#include "xml.h"

struct ic_xml {
    xmlDocPtr doc;
    xmlXPathContextPtr xpath;
};

typedef struct schema_entry {
    char *url;
    xmlSchemaPtr schema; /* NULL when it could not be compiled */
    char *error;
    char sha256[IC_SHA256_HEX_LEN + 1]; /* top-level file */
} schema_entry;

struct ic_schemas {
    schema_entry *entries;
    size_t n;
    json_t *loaded; /* [{url, path, sha256}] */
    char *missing;  /* first URL that could not be resolved offline */
};

/* Non-NULL only while a schema compiles: documents never load anything. */
static _Thread_local ic_schemas *compiling;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void
silent_structured(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

/* The local file a schema URL or system id maps to through the catalogs
 * (or that it already names); NULL when only the network has it. The
 * SHA-256 of the file goes to sha. */
static char *
resolve_offline(const char *url, const char *id, char *sha)
{
    xmlChar *resolved = xmlCatalogResolveURI((const xmlChar *)url);
    char *path = NULL;
    const char *p;

    if (!resolved)
        resolved = xmlCatalogResolveSystem((const xmlChar *)url);
    if (!resolved && id)
        resolved = xmlCatalogResolvePublic((const xmlChar *)id);
    p = resolved ? (const char *)resolved : url;
    if (strncmp(p, "file://", 7) == 0) {
        /* catalogs write file URIs: %20 and friends are escapes */
        char *unescaped = xmlURIUnescapeString(p + 7, 0, NULL);

        path = xstrdup(unescaped ? unescaped : p + 7);
        xmlFree(unescaped);
    } else {
        path = xstrdup(p);
    }
    xmlFree(resolved);
    if (strstr(path, "://") || ic_sha256_file_hex(sha, path) < 0) {
        free(path);
        return NULL;
    }
    return path;
}

static xmlParserInputPtr
offline_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    ic_schemas *s = compiling;
    char sha[IC_SHA256_HEX_LEN + 1], *path;
    xmlParserInputPtr in;
    size_t i;
    json_t *f;

    if (!s || !url)
        return NULL;
    path = resolve_offline(url, id, sha);
    if (!path) {
        if (!s->missing)
            s->missing = xstrdup(url);
        return NULL;
    }
    json_array_foreach (s->loaded, i, f) {
        if (strcmp(json_string_value(json_object_get(f, "url")), url) == 0)
            break;
    }
    if (i == json_array_size(s->loaded))
        json_array_append_new(s->loaded,
                              json_pack("{s:s, s:s, s:s}", "url", url, "path",
                                        path, "sha256", sha));
    in = xmlNewInputFromFile(ctxt, path);
    free(path);
    return in;
}

static void
init_once(void)
{
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, silent);
    xmlSetStructuredErrorFunc(NULL, silent_structured);
    xmlSetExternalEntityLoader(offline_loader);
}

int
ic_xml_parse(ic_xml **out, const void *data, size_t len,
             const json_t *namespaces, char *err, size_t errlen)
{
    xmlParserCtxtPtr ctxt = NULL;
    ic_xml *x = NULL;
    const char *prefix;
    json_t *uri;

    pthread_once(&once, init_once);
    *out = NULL;
    if (len > (size_t)INT32_MAX) {
        snprintf(err, errlen, "XML body too large");
        return -1;
    }
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        snprintf(err, errlen, "XML parser unavailable");
        return -1;
    }
    x = xcalloc(1, sizeof(*x));
    x->doc = xmlCtxtReadMemory(ctxt, data, (int)len, "response.xml", NULL,
                               XML_PARSE_NONET | XML_PARSE_NOERROR |
                                   XML_PARSE_COMPACT | XML_PARSE_NOWARNING);
    if (!x->doc || !xmlDocGetRootElement(x->doc)) {
        xmlErrorPtr e = xmlCtxtGetLastError(ctxt);

        if (e && e->message)
            snprintf(err, errlen, "not well-formed XML (line %d): %.*s",
                     e->line, (int)strcspn(e->message, "\n"), e->message);
        else
            snprintf(err, errlen, "not well-formed XML");
        goto fail;
    }
    x->xpath = xmlXPathNewContext(x->doc);
    if (!x->xpath) {
        snprintf(err, errlen, "XPath context unavailable");
        goto fail;
    }
    if (namespaces)
        json_object_foreach ((json_t *)namespaces, prefix, uri) {
            xmlXPathRegisterNs(x->xpath, (const xmlChar *)prefix,
                               (const xmlChar *)json_string_value(uri));
        }
    xmlFreeParserCtxt(ctxt);
    *out = x;
    return 0;
fail:
    xmlFreeParserCtxt(ctxt);
    ic_xml_free(x);
    return -1;
}

void
ic_xml_free(ic_xml *x)
{
    if (!x)
        return;
    xmlXPathFreeContext(x->xpath);
    xmlFreeDoc(x->doc);
    free(x);
}

static char *
node_string(xmlNodePtr node)
{
    xmlChar *s = xmlXPathCastNodeToString(node);
    char *r = xstrdup(s ? (const char *)s : "");

    xmlFree(s);
    return r;
}

static xmlXPathObjectPtr
eval(ic_xml *x, const char *expr, char *err, size_t errlen)
{
    xmlXPathObjectPtr obj;

    xmlResetLastError();
    obj = xmlXPathEvalExpression((const xmlChar *)expr, x->xpath);
    if (!obj) {
        xmlErrorPtr e = xmlGetLastError();

        snprintf(err, errlen, "invalid XPath \"%s\"%s%.*s", expr,
                 e && e->message ? ": " : "",
                 e && e->message ? (int)strcspn(e->message, "\n") : 0,
                 e && e->message ? e->message : "");
    }
    return obj;
}

int
ic_xml_xpath(ic_xml *x, const char *expr, ic_xpath_result *res, char *err,
             size_t errlen)
{
    xmlXPathObjectPtr obj;
    xmlChar *s;

    memset(res, 0, sizeof(*res));
    obj = eval(x, expr, err, errlen);
    if (!obj)
        return -1;
    switch (obj->type) {
    case XPATH_NODESET:
        res->type = IC_XPATH_NODESET;
        res->count = obj->nodesetval ? (size_t)obj->nodesetval->nodeNr : 0;
        res->strings = xcalloc(res->count + 1, sizeof(char *));
        for (size_t i = 0; i < res->count; i++)
            res->strings[i] = node_string(obj->nodesetval->nodeTab[i]);
        break;
    case XPATH_BOOLEAN:
        res->type = IC_XPATH_BOOLEAN;
        break;
    case XPATH_NUMBER:
        res->type = IC_XPATH_NUMBER;
        break;
    default:
        res->type = IC_XPATH_STRING;
        break;
    }
    res->boolean = xmlXPathCastToBoolean(obj);
    res->number = xmlXPathCastToNumber(obj);
    s = xmlXPathCastToString(obj);
    res->string = xstrdup(s ? (const char *)s : "");
    xmlFree(s);
    xmlXPathFreeObject(obj);
    return 0;
}

void
ic_xpath_result_dispose(ic_xpath_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; res->strings && i < res->count; i++)
        free(res->strings[i]);
    free(res->strings);
    free(res->string);
    memset(res, 0, sizeof(*res));
}

int
ic_xml_xpath_records(ic_xml *x, const char *expr, const json_t *fields,
                     size_t max, json_t **out, char *err, size_t errlen)
{
    xmlXPathObjectPtr obj = eval(x, expr, err, errlen);
    xmlNodePtr saved = x->xpath->node;
    size_t n;
    int rc = 0;

    *out = NULL;
    if (!obj)
        return -1;
    if (obj->type != XPATH_NODESET) {
        snprintf(err, errlen, "XPath \"%s\" does not select nodes", expr);
        xmlXPathFreeObject(obj);
        return -1;
    }
    *out = json_array();
    n = obj->nodesetval ? (size_t)obj->nodesetval->nodeNr : 0;
    for (size_t i = 0; i < n && i < max && rc == 0; i++) {
        xmlNodePtr node = obj->nodesetval->nodeTab[i];
        json_t *rec = json_object();
        const char *name;
        json_t *fexpr;

        json_object_foreach ((json_t *)fields, name, fexpr) {
            xmlXPathObjectPtr fo;
            xmlChar *s;

            x->xpath->node = node;
            fo = eval(x, json_string_value(fexpr), err, errlen);
            if (!fo) {
                rc = -1;
                break;
            }
            s = xmlXPathCastToString(fo);
            json_object_set_new(rec, name,
                                json_string(s ? (const char *)s : ""));
            xmlFree(s);
            xmlXPathFreeObject(fo);
        }
        json_array_append_new(*out, rec);
    }
    x->xpath->node = saved;
    xmlXPathFreeObject(obj);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int
ic_schemas_new(ic_schemas **out, const char *catalog)
{
    pthread_once(&once, init_once);
    *out = NULL;
    if (catalog) {
        char sha[IC_SHA256_HEX_LEN + 1];

        if (ic_sha256_file_hex(sha, catalog) < 0)
            return IC_EINPUT;
        if (xmlLoadCatalog(catalog) < 0)
            return ic_error_set(IC_EINPUT, "%s: not a valid XML catalog",
                                catalog);
    }
    *out = xcalloc(1, sizeof(**out));
    (*out)->loaded = json_array();
    return IC_OK;
}

void
ic_schemas_free(ic_schemas *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->entries[i].url);
        free(s->entries[i].error);
        xmlSchemaFree(s->entries[i].schema);
    }
    free(s->entries);
    json_decref(s->loaded);
    free(s->missing);
    free(s);
}

/* Compile the schema at url (for the namespace ns) together with extra
 * schemas (a JSON array of [namespace, location]) that the document
 * declares for its extensions, e.g. SLD elements in WMS capabilities. */
static schema_entry *
compile(ic_schemas *s, const char *url, const char *ns, const json_t *extra)
{
    schema_entry *e;
    xmlSchemaParserCtxtPtr pctxt;
    char *key = NULL, *main_path;
    ic_buf wrapper;
    json_t *pair;
    size_t i;

    ic_buf_init(&wrapper, 0);
    key = xstrdup(url);
    json_array_foreach (extra, i, pair) {
        char *k =
            xasprintf("%s %s", key, json_string_value(json_array_get(pair, 1)));

        free(key);
        key = k;
    }
    for (i = 0; i < s->n; i++)
        if (strcmp(s->entries[i].url, key) == 0) {
            free(key);
            return &s->entries[i];
        }
    s->entries = xrealloc(s->entries, (s->n + 1) * sizeof(*s->entries));
    e = &s->entries[s->n++];
    memset(e, 0, sizeof(*e));
    e->url = key;
    main_path = resolve_offline(url, NULL, e->sha256);
    free(main_path);
    free(s->missing);
    s->missing = NULL;
    compiling = s;
    if (json_array_size(extra) == 0) {
        pctxt = xmlSchemaNewParserCtxt(url);
    } else {
        /* a schema that only imports the others; every location still goes
         * through the offline loader */
        ic_buf_appendf(
            &wrapper,
            "<xs:schema xmlns:xs=\"http://www.w3.org/2001/"
            "XMLSchema\">\n<xs:import%s%s%s schemaLocation=\"%s\"/>\n",
            ns ? " namespace=\"" : "", ns ? ns : "", ns ? "\"" : "", url);
        json_array_foreach (extra, i, pair) {
            ic_buf_appendf(&wrapper,
                           "<xs:import namespace=\"%s\" "
                           "schemaLocation=\"%s\"/>\n",
                           json_string_value(json_array_get(pair, 0)),
                           json_string_value(json_array_get(pair, 1)));
        }
        ic_buf_appendf(&wrapper, "</xs:schema>\n");
        pctxt = xmlSchemaNewMemParserCtxt(wrapper.data, (int)wrapper.len);
    }
    if (pctxt) {
        xmlSchemaSetParserStructuredErrors(pctxt, silent_structured, NULL);
        e->schema = xmlSchemaParse(pctxt);
        xmlSchemaFreeParserCtxt(pctxt);
    }
    compiling = NULL;
    ic_buf_dispose(&wrapper);
    if (!e->schema && s->missing)
        e->error = xasprintf(
            "schema %s%s is not available offline (missing: %s); add it to "
            "an XML catalog with --catalog FILE or XML_CATALOG_FILES",
            url,
            json_array_size(extra) ? " with the extensions the document "
                                     "declares"
                                   : "",
            s->missing);
    else if (!e->schema)
        e->error = xasprintf("schema %s could not be compiled", url);
    return e;
}

/* Does any element or attribute of the tree use namespace ns? */
static int
uses_namespace(xmlNodePtr node, const char *ns)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (node->ns && node->ns->href &&
            strcmp((const char *)node->ns->href, ns) == 0)
            return 1;
        for (xmlAttrPtr a = node->properties; a; a = a->next)
            if (a->ns && a->ns->href &&
                strcmp((const char *)a->ns->href, ns) == 0)
                return 1;
        if (uses_namespace(node->children, ns))
            return 1;
    }
    return 0;
}

/* [namespace, location] pairs of the root's xsi:schemaLocation for the
 * namespaces the document uses, except the root's own (the suite names
 * that schema, never the document). */
static json_t *
declared_extensions(ic_xml *x, const char **root_ns)
{
    xmlNodePtr root = xmlDocGetRootElement(x->doc);
    xmlChar *loc = xmlGetNsProp(
        root, (const xmlChar *)"schemaLocation",
        (const xmlChar *)"http://www.w3.org/2001/XMLSchema-instance");
    json_t *pairs = json_array();
    const char *p = (const char *)loc;

    *root_ns = root->ns ? (const char *)root->ns->href : NULL;
    while (p && *p) {
        size_t n1, n2;
        const char *loc2;

        p += strspn(p, " \t\r\n");
        n1 = strcspn(p, " \t\r\n");
        loc2 = p + n1 + strspn(p + n1, " \t\r\n");
        n2 = strcspn(loc2, " \t\r\n");
        if (!n1 || !n2)
            break;
        char *ns = xstrndup(p, n1), *where = xstrndup(loc2, n2);
        /* only plain URLs: nothing that could break out of the wrapper */
        if ((!*root_ns || strcmp(ns, *root_ns) != 0) && !strpbrk(ns, "\"<>&") &&
            !strpbrk(where, "\"<>&") && uses_namespace(root, ns))
            json_array_append_new(pairs, json_pack("[s,s]", ns, where));
        free(ns);
        free(where);
        p = loc2 + n2;
    }
    xmlFree(loc);
    return pairs;
}

typedef struct errs {
    char *buf;
    size_t len;
    int n;
} errs;

static void
collect(void *ctx, xmlErrorPtr e)
{
    errs *c = ctx;
    size_t used = strlen(c->buf);

    if (c->n++ >= 2 || !e || !e->message || used + 8 >= c->len)
        return;
    snprintf(c->buf + used, c->len - used, "%sline %d: %.*s", used ? "; " : "",
             e->line, (int)strcspn(e->message, "\n"), e->message);
}

ic_outcome
ic_schemas_validate(ic_schemas *s, const char *url, const char *pin, ic_xml *x,
                    char *msg, size_t msglen)
{
    const char *root_ns = NULL;
    json_t *extra = declared_extensions(x, &root_ns);
    schema_entry *e = compile(s, url, root_ns, extra);
    xmlSchemaValidCtxtPtr v;
    char detail[400] = "";
    errs c = {detail, sizeof(detail), 0};
    int rc;

    json_decref(extra);
    if (!e->schema) {
        snprintf(msg, msglen, "%s", e->error);
        return IC_CANTTELL;
    }
    if (pin && strcmp(pin, e->sha256) != 0) {
        snprintf(msg, msglen, "schema %s has SHA-256 %s, the suite pins %s",
                 url, e->sha256, pin);
        return IC_CANTTELL;
    }
    v = xmlSchemaNewValidCtxt(e->schema);
    if (!v) {
        snprintf(msg, msglen, "schema validator unavailable");
        return IC_CANTTELL;
    }
    xmlSchemaSetValidStructuredErrors(v, collect, &c);
    rc = xmlSchemaValidateDoc(v, x->doc);
    xmlSchemaFreeValidCtxt(v);
    if (rc == 0)
        return IC_PASSED;
    if (rc < 0) {
        snprintf(msg, msglen, "schema validation of %s failed internally", url);
        return IC_CANTTELL;
    }
    snprintf(msg, msglen, "not valid against %s: %s%s", url, detail,
             c.n > 2 ? " …" : "");
    return IC_FAILED;
}

json_t *
ic_schemas_report(const ic_schemas *s)
{
    return json_deep_copy(s->loaded);
}
