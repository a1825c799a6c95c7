#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "error.h"
#include "refserver.h"
#include "util.h"

#define DATA_DIR IC_SRCDIR "/refserver/data"
#define NS_4774 "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"
#define NS_4778 "urn:nato:stanag:4778:bindinginformation:1:0"
#define NS_NVG "https://tide.act.nato.int/schemas/2012/10/nvg"
#define CONF "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
#define OPENAPI_TYPE "application/vnd.oai.openapi+json;version=3.0"

/* ---- helpers ---------------------------------------------------------- */

struct reply {
    long status;
    char *type; /* Content-Type */
    char *link; /* Link header, NULL when absent */
    char *vary; /* Vary header, NULL when absent */
    ic_buf body;
};

/* Value of header line "Name: value\r\n" when it is name, else NULL. */
static char *
header_value(const char *line, size_t len, const char *name)
{
    size_t n = strlen(name);

    if (len <= n + 1 || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return NULL;
    line += n + 1;
    len -= n + 1;
    while (len > 0 && (*line == ' ' || *line == '\t')) {
        line++;
        len--;
    }
    while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    return xstrndup(line, len);
}

static size_t
on_header(char *data, size_t size, size_t n, void *cls)
{
    struct reply *r = cls;
    char *v;

    if ((v = header_value(data, size * n, "Link"))) {
        assert_null(r->link); /* one Link header, links comma-separated */
        r->link = v;
    }
    if ((v = header_value(data, size * n, "Vary"))) {
        free(r->vary);
        r->vary = v;
    }
    return size * n;
}

static size_t
on_body(char *data, size_t size, size_t n, void *cls)
{
    struct reply *r = cls;

    return ic_buf_append(&r->body, data, size * n) == 0 ? size * n : 0;
}

static void
reply_dispose(struct reply *r)
{
    free(r->type);
    free(r->link);
    free(r->vary);
    ic_buf_dispose(&r->body);
}

/* GET url (absolute) with an optional extra header and method. */
static void
fetch_url(struct reply *r, const char *url, const char *header,
          const char *method)
{
    struct curl_slist *hdrs = NULL;
    CURL *c = curl_easy_init();
    char *type = NULL;

    assert_non_null(c);
    memset(r, 0, sizeof(*r));
    ic_buf_init(&r->body, 4 << 20);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    if (header) {
        hdrs = curl_slist_append(hdrs, header);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    }
    if (method && strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (method)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
    r->type = xstrdup(type ? type : "");
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
}

static void
fetch(struct reply *r, unsigned short port, const char *path)
{
    char *url = xasprintf("http://127.0.0.1:%u%s", port, path);

    fetch_url(r, url, NULL, NULL);
    free(url);
}

static json_t *
fetch_json(unsigned short port, const char *path, long status, const char *type)
{
    struct reply r;
    json_t *j;

    fetch(&r, port, path);
    assert_int_equal(r.status, status);
    assert_string_equal(r.type, type);
    j = json_loads(r.body.data, 0, NULL);
    assert_non_null(j);
    reply_dispose(&r);
    return j;
}

/* href of the first link with that rel, or NULL. */
static const char *
link_href(const json_t *links, const char *rel)
{
    size_t i;
    json_t *l;

    json_array_foreach (links, i, l) {
        const char *r = json_string_value(json_object_get(l, "rel"));

        if (r && strcmp(r, rel) == 0)
            return json_string_value(json_object_get(l, "href"));
    }
    return NULL;
}

static const char *
link_type(const json_t *links, const char *rel)
{
    size_t i;
    json_t *l;

    json_array_foreach (links, i, l) {
        const char *r = json_string_value(json_object_get(l, "rel"));

        if (r && strcmp(r, rel) == 0)
            return json_string_value(json_object_get(l, "type"));
    }
    return NULL;
}

/* Value of an XPath 1.0 expression (string() or count()) on an XML body;
 * NULL when the body is not XML. Prefixes slab, mb, nvg are bound. */
static char *
xpath(const char *body, size_t len, const char *expr)
{
    xmlDocPtr doc = xmlReadMemory(body, (int)len, "reply.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING);
    xmlXPathContextPtr ctx;
    xmlXPathObjectPtr obj;
    xmlChar *s;
    char *out;

    if (!doc)
        return NULL;
    ctx = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(ctx, BAD_CAST "slab", BAD_CAST NS_4774);
    xmlXPathRegisterNs(ctx, BAD_CAST "mb", BAD_CAST NS_4778);
    xmlXPathRegisterNs(ctx, BAD_CAST "nvg", BAD_CAST NS_NVG);
    obj = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    assert_non_null(obj);
    s = xmlXPathCastToString(obj);
    out = xstrdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return out;
}

/* XPath value of the XML at path, or "" when the status is not 200. */
static char *
xpath_at(unsigned short port, const char *path, const char *expr)
{
    struct reply r;
    char *v;

    fetch(&r, port, path);
    v = r.status == 200 ? xpath(r.body.data, r.body.len, expr) : NULL;
    reply_dispose(&r);
    return v ? v : xstrdup("");
}

static ic_refserver *
start(const char *const *faults, size_t nfaults, unsigned delay_ms)
{
    ic_refserver_opts o;
    ic_refserver *s = NULL;

    memset(&o, 0, sizeof(o));
    o.data_dir = DATA_DIR;
    o.faults = faults;
    o.nfaults = nfaults;
    o.delay_ms = delay_ms;
    if (ic_refserver_start(&s, &o) != 0)
        fail_msg("start: %s", ic_error_last());
    assert_true(ic_refserver_port(s) > 0);
    return s;
}

/* ---- the conformant server -------------------------------------------- */

static void
test_refserver_landing(void **state)
{
    ic_refserver *s = start(NULL, 0, 0);
    unsigned short port = ic_refserver_port(s);
    json_t *j = fetch_json(port, "/", 200, "application/json");
    json_t *links = json_object_get(j, "links");
    char *base = xasprintf("http://127.0.0.1:%u/", port);

    (void)state;
    assert_non_null(json_string_value(json_object_get(j, "title")));
    assert_string_equal(link_type(links, "service-desc"), OPENAPI_TYPE);
    assert_string_equal(link_type(links, "service-doc"), "text/html");
    assert_string_equal(link_type(links, "alternate"), "text/html");
    assert_non_null(link_href(links, "conformance"));
    assert_non_null(link_href(links, "data"));
    /* links follow the Host the client used, on whatever port */
    assert_string_equal(link_href(links, "self"), base);
    assert_int_equal(strncmp(link_href(links, "data"), base, strlen(base)), 0);
    json_decref(j);
    free(base);
    ic_refserver_stop(s);
}

static void
test_refserver_api_and_conformance(void **state)
{
    ic_refserver *s = start(NULL, 0, 0);
    unsigned short port = ic_refserver_port(s);
    json_t *api = fetch_json(port, "/api", 200, OPENAPI_TYPE);
    json_t *conf = fetch_json(port, "/conformance", 200, "application/json");
    json_t *list = json_object_get(conf, "conformsTo");
    const char *want[] = {CONF "core", CONF "oas30", CONF "geojson"};
    size_t i, k, found;
    json_t *v;

    (void)state;
    assert_int_equal(
        strncmp(json_string_value(json_object_get(api, "openapi")), "3.0.", 4),
        0);
    assert_non_null(
        json_object_get(json_object_get(api, "paths"),
                        "/collections/{collectionId}/items/{featureId}/label"));
    for (k = 0; k < 3; k++) {
        found = 0;
        json_array_foreach (list, i, v) {
            found += strcmp(json_string_value(v), want[k]) == 0;
        }
        assert_int_equal(found, 1);
    }
    json_decref(api);
    json_decref(conf);
    ic_refserver_stop(s);
}

static void
test_refserver_collections(void **state)
{
    ic_refserver *s = start(NULL, 0, 0);
    unsigned short port = ic_refserver_port(s);
    json_t *j = fetch_json(port, "/collections", 200, "application/json");
    json_t *list = json_object_get(j, "collections"), *c, *one;
    size_t i;

    (void)state;
    assert_int_equal(json_array_size(list), 3);
    json_array_foreach (list, i, c) {
        json_t *ext = json_object_get(c, "extent");
        json_t *bbox = json_array_get(
            json_object_get(json_object_get(ext, "spatial"), "bbox"), 0);
        json_t *iv = json_array_get(
            json_object_get(json_object_get(ext, "temporal"), "interval"), 0);

        assert_string_equal(link_type(json_object_get(c, "links"), "items"),
                            "application/geo+json");
        assert_int_equal(json_array_size(bbox), 4);
        assert_true(json_number_value(json_array_get(bbox, 0)) <=
                    json_number_value(json_array_get(bbox, 2)));
        assert_int_equal(json_array_size(iv), 2);
    }
    one = fetch_json(port, "/collections/gmti", 200, "application/json");
    assert_string_equal(json_string_value(json_object_get(one, "id")), "gmti");
    json_decref(one);
    json_decref(j);
    ic_refserver_stop(s);
}

static void
test_refserver_items_paging(void **state)
{
    ic_refserver *s = start(NULL, 0, 0);
    unsigned short port = ic_refserver_port(s);
    json_t *page, *links;
    char *seen = xstrdup(""),
         *next = xstrdup("/collections/gmti/items?limit=4");
    char *prefix = xasprintf("http://127.0.0.1:%u", port), *tmp;
    size_t pages = 0, total = 0, i;
    json_t *f;

    (void)state;
    page = fetch_json(port, "/collections/gmti/items", 200,
                      "application/geo+json");
    assert_int_equal(json_array_size(json_object_get(page, "features")), 10);
    assert_int_equal(json_integer_value(json_object_get(page, "numberMatched")),
                     15);
    assert_non_null(json_string_value(json_object_get(page, "timeStamp")));
    json_decref(page);
    while (next) {
        page = fetch_json(port, next, 200, "application/geo+json");
        links = json_object_get(page, "links");
        assert_int_equal(
            json_integer_value(json_object_get(page, "numberReturned")),
            json_array_size(json_object_get(page, "features")));
        assert_true(json_array_size(json_object_get(page, "features")) <= 4);
        json_array_foreach (json_object_get(page, "features"), i, f) {
            const char *id = json_string_value(json_object_get(f, "id"));

            assert_null(strstr(seen, id)); /* no product twice */
            tmp = xasprintf("%s %s", seen, id);
            free(seen);
            seen = tmp;
            total++;
        }
        if (pages > 0)
            assert_non_null(link_href(links, "prev"));
        free(next);
        next = NULL;
        if (link_href(links, "next")) {
            assert_int_equal(
                strncmp(link_href(links, "next"), prefix, strlen(prefix)), 0);
            next = xstrdup(link_href(links, "next") + strlen(prefix));
        }
        pages++;
        json_decref(page);
        assert_true(pages < 10);
    }
    assert_int_equal(pages, 4);
    assert_int_equal(total, 15);
    free(seen);
    free(prefix);
    ic_refserver_stop(s);
}

static size_t
count_items(unsigned short port, const char *path)
{
    json_t *j = fetch_json(port, path, 200, "application/geo+json");
    size_t n = json_array_size(json_object_get(j, "features"));

    assert_int_equal(json_integer_value(json_object_get(j, "numberMatched")),
                     n);
    json_decref(j);
    return n;
}

static void
test_refserver_items_filters(void **state)
{
    static const char *const bad[] = {
        "/collections/gmti/items?limit=0",
        "/collections/gmti/items?limit=abc",
        "/collections/gmti/items?limit=10001",
        "/collections/gmti/items?limit=",
        "/collections/gmti/items?offset=-1",
        "/collections/gmti/items?bbox=1,2,3",
        "/collections/gmti/items?bbox=1,2,3,x",
        "/collections/gmti/items?bbox=0,60,1,50",
        "/collections/gmti/items?datetime=2025-13-01T00:00:00Z",
        "/collections/gmti/items?datetime=2025-06-12T00:00:00Z/"
        "2025-06-11T00:00:00Z",
        "/collections/gmti/items?limit=1&limit=2",
        "/collections/gmti/items?colour=red",
        "/collections/gmti/items?f=xml",
        "/nvg?f=html",
        "/collections?limit=2",
    };
    ic_refserver *s = start(NULL, 0, 0);
    unsigned short port = ic_refserver_port(s);
    struct reply r;
    size_t i, all, west, east;
    json_t *j;

    (void)state;
    all = count_items(port, "/collections/imagery/items?limit=100");
    assert_int_equal(all, 12);
    west =
        count_items(port, "/collections/imagery/items?limit=100&bbox=9.6,52.6,"
                          "9.85,53.1");
    east =
        count_items(port, "/collections/imagery/items?limit=100&bbox=9.95,52.6,"
                          "10.3,53.1");
    assert_true(west > 0 && west < all);
    assert_true(east > 0 && east < all);
    assert_int_equal(count_items(port, "/collections/imagery/items?bbox=0,0,"
                                       "1,1"),
                     0);
    /* six numbers: heights ignored */
    assert_int_equal(count_items(port,
                                 "/collections/imagery/items?limit=100&bbox="
                                 "9.6,52.6,0,9.85,53.1,100"),
                     west);
    /* times of day 10 June (first four frames) */
    assert_int_equal(count_items(port,
                                 "/collections/imagery/items?datetime="
                                 "2025-06-10T00:00:00Z/2025-06-10T23:59:59Z"),
                     4);
    assert_int_equal(count_items(port, "/collections/imagery/items?limit=100&"
                                       "datetime=2025-06-11T00:00:00Z/.."),
                     8);
    assert_int_equal(count_items(port, "/collections/imagery/items?datetime="
                                       "../2025-06-10T06:00:00Z"),
                     1);
    assert_int_equal(count_items(port, "/collections/imagery/items?datetime="
                                       "2025-06-10T08:00:00%2B02:00"),
                     1);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fetch(&r, port, bad[i]);
        if (r.status != 400)
            fail_msg("%s: status %ld, want 400", bad[i], r.status);
        assert_string_equal(r.type, "application/json");
        j = json_loads(r.body.data, 0, NULL);
        assert_non_null(json_string_value(json_object_get(j, "code")));
        json_decref(j);
        reply_dispose(&r);
    }
    ic_refserver_stop(s);
}

static void
test_refserver_not_found(void **state)
{
    static const char *const paths[] = {
        "/collections/nope",
        "/collections/nope/items",
        "/collections/gmti/items/nope",
        "/collections/gmti/items/nope/label",
        "/collections/gmti/items/gmti-0001/other",
        "/collections/",
        "/nvg/nope",
        "/cot/nope",
        "/nope",
        "//",
        "/collections/gmti/items/%ff%fe",
    };
    ic_refserver *s = start(NULL, 0, 0);
    unsigned short port = ic_refserver_port(s);
    struct reply r;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        json_t *j;

        fetch(&r, port, paths[i]);
        if (r.status != 404)
            fail_msg("%s: status %ld, want 404", paths[i], r.status);
        j = json_loads(r.body.data, 0, NULL);
        assert_non_null(j);
        json_decref(j);
        reply_dispose(&r);
    }
    ic_refserver_stop(s);
}

static void
test_refserver_label_and_binding(void **state)
{
    ic_refserver *s = start(NULL, 0, 0);
    unsigned short port = ic_refserver_port(s);
    json_t *f = fetch_json(port, "/collections/reports/items/rep-0002", 200,
                           "application/geo+json");
    json_t *links = json_object_get(f, "links");
    const char *self = link_href(links, "self");
    char *label_path =
        xasprintf("%s", strstr(link_href(links, NS_4774), "/collections/"));
    struct reply r;
    char *v, *cls;

    (void)state;
    assert_string_equal(link_type(links, NS_4774), "application/xml");
    assert_non_null(link_href(links, NS_4778));
    fetch(&r, port, label_path);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.type, "application/xml");
    v = xpath(r.body.data, r.body.len,
              "string(/slab:originatorConfidentialityLabel/"
              "slab:ConfidentialityInformation/slab:PolicyIdentifier)");
    assert_string_equal(v, "NATO");
    free(v);
    cls = xpath(r.body.data, r.body.len, "string(//slab:Classification)");
    assert_true(strcmp(cls, "UNCLASSIFIED") == 0 ||
                strcmp(cls, "RESTRICTED") == 0 ||
                strcmp(cls, "CONFIDENTIAL") == 0 || strcmp(cls, "SECRET") == 0);
    v = xpath(r.body.data, r.body.len,
              "count(//slab:Category[@TagName='Releasable To' and "
              "@Type='PERMISSIVE']/slab:GenericValue[.='NATO'])");
    assert_string_equal(v, "1");
    free(v);
    v = xpath(r.body.data, r.body.len, "count(//slab:CreationDateTime)");
    assert_string_equal(v, "1");
    free(v);
    reply_dispose(&r);

    fetch_url(&r, link_href(links, NS_4778), NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.type, "application/xml");
    v = xpath(r.body.data, r.body.len,
              "string(/mb:BindingInformation/mb:MetadataBindingContainer/"
              "mb:MetadataBinding/mb:DataReference/@URI)");
    assert_string_equal(v, self);
    free(v);
    v = xpath(r.body.data, r.body.len,
              "string(/mb:BindingInformation/mb:MetadataBindingContainer/"
              "mb:MetadataBinding/mb:Metadata/"
              "slab:originatorConfidentialityLabel//slab:Classification)");
    assert_string_equal(v, cls);
    free(v);
    reply_dispose(&r);
    free(cls);
    free(label_path);
    json_decref(f);
    ic_refserver_stop(s);
}

static void
test_refserver_nvg(void **state)
{
    ic_refserver *s = start(NULL, 0, 0);
    unsigned short port = ic_refserver_port(s);
    json_t *idx = fetch_json(port, "/nvg", 200, "application/json"), *o;
    struct reply r;
    size_t i;
    char *v;

    (void)state;
    assert_int_equal(json_array_size(json_object_get(idx, "overlays")), 2);
    json_array_foreach (json_object_get(idx, "overlays"), i, o) {
        fetch_url(&r, link_href(json_object_get(o, "links"), "item"), NULL,
                  NULL);
        assert_int_equal(r.status, 200);
        assert_string_equal(r.type, "application/xml");
        v = xpath(r.body.data, r.body.len, "string(/nvg:nvg/@version)");
        assert_int_equal(strncmp(v, "2.0", 3), 0);
        free(v);
        v = xpath(r.body.data, r.body.len,
                  "count(//nvg:*[@symbol or @points or @x or @cx]"
                  "[not(@uri)])");
        assert_string_equal(v, "0");
        free(v);
        v = xpath(r.body.data, r.body.len,
                  "count(//@symbol[not(contains(., ':'))])");
        assert_string_equal(v, "0");
        free(v);
        reply_dispose(&r);
    }
    json_decref(idx);
    ic_refserver_stop(s);
}

static void
test_refserver_cot(void **state)
{
    ic_refserver *s = start(NULL, 0, 0);
    unsigned short port = ic_refserver_port(s);
    json_t *idx = fetch_json(port, "/cot", 200, "application/json"), *e;
    struct reply r;
    size_t i;
    char *v, *start_s, *stale_s;

    (void)state;
    assert_int_equal(json_array_size(json_object_get(idx, "events")), 4);
    json_array_foreach (json_object_get(idx, "events"), i, e) {
        fetch_url(&r, link_href(json_object_get(e, "links"), "item"), NULL,
                  NULL);
        assert_int_equal(r.status, 200);
        assert_string_equal(r.type, "application/xml");
        v = xpath(r.body.data, r.body.len, "string(/event/@uid)");
        assert_string_equal(v, json_string_value(json_object_get(e, "uid")));
        free(v);
        v = xpath(r.body.data, r.body.len,
                  "count(/event[@version='2.0' and @type and @how and @time]"
                  "/point[@lat and @lon and @hae and @ce and @le])");
        assert_string_equal(v, "1");
        free(v);
        start_s = xpath(r.body.data, r.body.len, "string(/event/@start)");
        stale_s = xpath(r.body.data, r.body.len, "string(/event/@stale)");
        assert_int_equal(strlen(start_s), 20);
        /* same format (Z, no fraction) in the data: compare as strings */
        assert_true(strcmp(start_s, stale_s) < 0);
        free(start_s);
        free(stale_s);
        reply_dispose(&r);
    }
    json_decref(idx);
    ic_refserver_stop(s);
}

static void
test_refserver_http_robustness(void **state)
{
    ic_refserver *s = start(NULL, 0, 0);
    unsigned short port = ic_refserver_port(s);
    char *url = xasprintf("http://127.0.0.1:%u/collections", port);
    char *long_url;
    struct reply r;
    ic_buf b;

    (void)state;
    fetch_url(&r, url, NULL, "POST");
    assert_int_equal(r.status, 405);
    reply_dispose(&r);
    fetch_url(&r, url, NULL, "HEAD");
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body.len, 0);
    reply_dispose(&r);
    fetch_url(&r, url, "Host: bad\"host", NULL);
    assert_int_equal(r.status, 400);
    reply_dispose(&r);
    /* another Host: links follow it */
    fetch_url(&r, url, "Host: isr.example:8443", NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "http://isr.example:8443/collections"));
    reply_dispose(&r);
    ic_buf_init(&b, 0);
    ic_buf_appendf(&b, "%s/", url);
    while (b.len < 70000)
        ic_buf_appendf(&b, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    long_url = ic_buf_take(&b, NULL);
    fetch_url(&r, long_url, NULL, NULL);
    assert_true(r.status == 414 || r.status == 400 || r.status == 404);
    reply_dispose(&r);
    fetch(&r, port,
          "/collections/gmti/items?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&"
          "i=9&j=10&k=11&l=12&m=13&n=14&o=15&p=16&q=17&r=18&s=19&"
          "t=20&u=21&v=22&w=23&x=24&y=25&z=26&A=1&B=2&C=3&D=4&E=5&"
          "F=6&G=7&H=8");
    assert_int_equal(r.status, 400);
    reply_dispose(&r);
    free(long_url);
    free(url);
    ic_refserver_stop(s);
}

/* ---- faults ------------------------------------------------------------ */

/* Each check returns 1 when the server meets the requirement the fault
 * breaks: the conformant server must pass all, each fault fail its own. */
typedef int (*check_fn)(unsigned short port);

static json_t *
items(unsigned short port, const char *path)
{
    struct reply r;
    json_t *j;

    fetch(&r, port, path);
    assert_int_equal(r.status, 200);
    j = json_loads(r.body.data, 0, NULL);
    assert_non_null(j);
    reply_dispose(&r);
    return j;
}

static int
check_labelled(unsigned short port)
{
    json_t *j = items(port, "/collections/imagery/items?limit=100");
    size_t i;
    json_t *f;
    int ok = 1;
    char *v;

    json_array_foreach (json_object_get(j, "features"), i, f) {
        ok &= link_href(json_object_get(f, "links"), NS_4774) != NULL;
    }
    json_decref(j);
    v = xpath_at(port, "/collections/imagery/items/img-0001/label",
                 "count(/slab:originatorConfidentialityLabel)");
    ok &= strcmp(v, "1") == 0;
    free(v);
    return ok;
}

static int
check_label_value(unsigned short port)
{
    char *v = xpath_at(port, "/collections/gmti/items/gmti-0002/label",
                       "string(//slab:Classification)");
    int ok = strcmp(v, "UNCLASSIFIED") == 0 || strcmp(v, "RESTRICTED") == 0 ||
             strcmp(v, "CONFIDENTIAL") == 0 || strcmp(v, "SECRET") == 0;

    free(v);
    return ok;
}

static int
check_releasable(unsigned short port)
{
    char *v = xpath_at(port, "/collections/gmti/items/gmti-0002/label",
                       "count(//slab:Category[@TagName='Releasable To']/"
                       "slab:GenericValue[. != 'NLD'])");
    int ok = strcmp(v, "0") != 0 && strcmp(v, "") != 0;

    free(v);
    return ok;
}

static int
check_policy(unsigned short port)
{
    char *v = xpath_at(port, "/collections/gmti/items/gmti-0002/label",
                       "string(//slab:PolicyIdentifier)");
    int ok = strcmp(v, "NATO") == 0;

    free(v);
    return ok;
}

static int
check_creation_time(unsigned short port)
{
    char *v = xpath_at(port, "/collections/gmti/items/gmti-0002/label",
                       "count(//slab:CreationDateTime)");
    int ok = strcmp(v, "1") == 0;

    free(v);
    return ok;
}

static int
check_binding_reference(unsigned short port)
{
    char *v = xpath_at(port, "/collections/gmti/items/gmti-0002/binding",
                       "string(//mb:DataReference/@URI)");
    struct reply r;
    int ok;

    fetch_url(&r, v, NULL, NULL);
    ok = r.status == 200;
    reply_dispose(&r);
    free(v);
    return ok;
}

static int
check_binding_label(unsigned short port)
{
    char *a = xpath_at(port, "/collections/imagery/items/img-0003/binding",
                       "string(//mb:Metadata//slab:Classification)");
    char *b = xpath_at(port, "/collections/imagery/items/img-0003/label",
                       "string(//slab:Classification)");
    int ok = *a && strcmp(a, b) == 0;

    free(a);
    free(b);
    return ok;
}

static int
check_content_type(unsigned short port)
{
    struct reply r;
    int ok;

    fetch(&r, port, "/collections/gmti/items");
    ok = strcmp(r.type, "application/geo+json") == 0;
    reply_dispose(&r);
    fetch(&r, port, "/collections/gmti/items/gmti-0001");
    ok &= strcmp(r.type, "application/geo+json") == 0;
    reply_dispose(&r);
    return ok;
}

static int
check_conformance(unsigned short port)
{
    json_t *j = fetch_json(port, "/conformance", 200, "application/json");
    size_t i, n = 0;
    json_t *v;

    json_array_foreach (json_object_get(j, "conformsTo"), i, v) {
        n += strcmp(json_string_value(v), CONF "geojson") == 0;
    }
    json_decref(j);
    return n == 1;
}

static int
check_service_desc(unsigned short port)
{
    json_t *j = fetch_json(port, "/", 200, "application/json");
    json_t *links = json_object_get(j, "links");
    /* the OpenAPI JSON is linked next to its HTML version (oas30) */
    int ok = !link_href(links, "service-doc") ||
             link_href(links, "service-desc") != NULL;

    json_decref(j);
    return ok;
}

static int
check_api_definition_link(unsigned short port)
{
    json_t *j = fetch_json(port, "/", 200, "application/json");
    json_t *links = json_object_get(j, "links");
    /* some API definition is linked (/req/core/root-success) */
    int ok =
        link_href(links, "service-desc") || link_href(links, "service-doc");

    json_decref(j);
    return ok;
}

static int
check_next_link(unsigned short port)
{
    json_t *j = items(port, "/collections/gmti/items?limit=2");
    const char *next = link_href(json_object_get(j, "links"), "next");
    struct reply r;
    /* a next link when there is more to get, and it resolves */
    int ok = json_array_size(json_object_get(j, "features")) == 15;

    if (next) {
        fetch_url(&r, next, NULL, NULL);
        ok = r.status == 200;
        reply_dispose(&r);
    }
    json_decref(j);
    return ok;
}

static int
check_number_matched(unsigned short port)
{
    json_t *j = items(port, "/collections/gmti/items?limit=100");
    int ok = json_integer_value(json_object_get(j, "numberMatched")) ==
             (json_int_t)json_array_size(json_object_get(j, "features"));

    json_decref(j);
    return ok;
}

static int
check_limit(unsigned short port)
{
    json_t *j = items(port, "/collections/gmti/items?limit=3");
    int ok = json_array_size(json_object_get(j, "features")) == 3 &&
             json_integer_value(json_object_get(j, "numberReturned")) == 3;

    json_decref(j);
    return ok;
}

static int
check_bbox(unsigned short port)
{
    json_t *j = items(port, "/collections/gmti/items?bbox=0,0,1,1");
    int ok = json_array_size(json_object_get(j, "features")) == 0;

    json_decref(j);
    return ok;
}

static int
check_invalid_param(unsigned short port)
{
    struct reply r;
    int ok;

    fetch(&r, port, "/collections/gmti/items?limit=abc");
    ok = r.status == 400;
    reply_dispose(&r);
    fetch(&r, port, "/collections/gmti/items?colour=red");
    ok &= r.status == 400;
    reply_dispose(&r);
    return ok;
}

static int
check_missing_item(unsigned short port)
{
    struct reply r;
    int ok;

    fetch(&r, port, "/collections/gmti/items/gmti-9999");
    ok = r.status == 404;
    reply_dispose(&r);
    return ok;
}

static int
check_extent(unsigned short port)
{
    json_t *j =
        fetch_json(port, "/collections/imagery", 200, "application/json");
    json_t *ext = json_object_get(j, "extent");
    int ok = json_array_size(json_object_get(json_object_get(ext, "spatial"),
                                             "bbox")) == 1 &&
             json_object_get(ext, "temporal") != NULL;

    json_decref(j);
    return ok;
}

static int
check_nvg_uri(unsigned short port)
{
    char *v = xpath_at(port, "/nvg/exercise-area",
                       "count(/nvg:nvg//nvg:*[self::nvg:polygon or "
                       "self::nvg:point or self::nvg:g or self::nvg:circle "
                       "or self::nvg:text][not(@uri)])");
    int ok = strcmp(v, "0") == 0;

    free(v);
    return ok;
}

static int
check_nvg_symbol(unsigned short port)
{
    char *v = xpath_at(port, "/nvg/gmti-activity",
                       "count(//@symbol[not(starts-with(., 'app6b:'))])");
    int ok = strcmp(v, "0") == 0;

    free(v);
    return ok;
}

static int
check_cot_stale(unsigned short port)
{
    char *a = xpath_at(port, "/cot/NLD-JISR-G0004", "string(/event/@start)");
    char *b = xpath_at(port, "/cot/NLD-JISR-G0004", "string(/event/@stale)");
    /* both are YYYY-MM-DDTHH:MM:SSZ, so string order is time order */
    int ok = strlen(a) == 20 && strlen(b) == 20 && strcmp(a, b) < 0;

    free(a);
    free(b);
    return ok;
}

static const struct fault_case {
    const char *fault;
    check_fn check;
} fault_cases[] = {
    {"unlabelled-product", check_labelled},
    {"invalid-label-value", check_label_value},
    {"national-only-label", check_releasable},
    {"label-missing-policy", check_policy},
    {"label-missing-creation-time", check_creation_time},
    {"binding-dangling-reference", check_binding_reference},
    {"binding-label-mismatch", check_binding_label},
    {"wrong-content-type", check_content_type},
    {"missing-conformance-class", check_conformance},
    {"missing-service-desc", check_service_desc},
    {"no-api-definition-link", check_api_definition_link},
    {"broken-paging-link", check_next_link},
    {"bad-numbermatched", check_number_matched},
    {"limit-ignored", check_limit},
    {"bbox-ignored", check_bbox},
    {"invalid-param-accepted", check_invalid_param},
    {"500-on-missing-item", check_missing_item},
    {"collection-missing-extent", check_extent},
    {"nvg-missing-uri", check_nvg_uri},
    {"nvg-bad-symbol", check_nvg_symbol},
    {"cot-stale-before-start", check_cot_stale},
    {"slow-responses", NULL}, /* timing: test_refserver_slow_responses */
};

#define NCASES (sizeof(fault_cases) / sizeof(fault_cases[0]))

static void
test_refserver_faults_listed(void **state)
{
    char *text = NULL, *line, *end;
    size_t len = 0, lines = 0, i;
    FILE *out = open_memstream(&text, &len);

    (void)state;
    assert_non_null(out);
    ic_refserver_list_faults(out);
    fclose(out);
    for (line = text; *line; line = end + 1) {
        int covered = 0;

        end = strchr(line, '\n');
        assert_non_null(end); /* one whole line per fault */
        *end = '\0';

        lines++;
        for (i = 0; i < NCASES; i++)
            covered |= strncmp(line, fault_cases[i].fault,
                               strlen(fault_cases[i].fault)) == 0 &&
                       line[strlen(fault_cases[i].fault)] == ' ';
        if (!covered)
            fail_msg("fault without a test case: %s", line);
    }
    assert_int_equal(lines, NCASES);
    for (i = 0; i < NCASES; i++)
        assert_true(ic_refserver_fault_known(fault_cases[i].fault));
    assert_false(ic_refserver_fault_known("no-such-fault"));
    assert_false(ic_refserver_fault_known(NULL));
    free(text);
}

static void
test_refserver_faults_each_breaks_its_requirement(void **state)
{
    ic_refserver *good = start(NULL, 0, 0), *bad;
    size_t i, k;

    (void)state;
    for (i = 0; i < NCASES; i++) {
        if (!fault_cases[i].check)
            continue;
        if (!fault_cases[i].check(ic_refserver_port(good)))
            fail_msg("conformant server fails the check of %s",
                     fault_cases[i].fault);
        bad = start(&fault_cases[i].fault, 1, 0);
        if (fault_cases[i].check(ic_refserver_port(bad)))
            fail_msg("fault %s does not break its requirement",
                     fault_cases[i].fault);
        /* exactly one requirement: the other checks still pass */
        for (k = 0; k < NCASES; k++) {
            if (k == i || !fault_cases[k].check)
                continue;
            if (!fault_cases[k].check(ic_refserver_port(bad)))
                fail_msg("fault %s also breaks the check of %s",
                         fault_cases[i].fault, fault_cases[k].fault);
        }
        ic_refserver_stop(bad);
    }
    ic_refserver_stop(good);
}

static void
test_refserver_slow_responses(void **state)
{
    const char *fault = "slow-responses";
    ic_refserver *s = start(&fault, 1, 300);
    struct reply r;
    double t0 = ic_time_monotonic();

    (void)state;
    fetch(&r, ic_refserver_port(s), "/conformance");
    assert_int_equal(r.status, 200);
    /* only a lower bound: never assert how fast anything is */
    assert_true(ic_time_monotonic() - t0 >= 0.3);
    reply_dispose(&r);
    ic_refserver_stop(s);
}

/* ---- start-up errors ---------------------------------------------------- */

static void
copy_file(const char *from, const char *to)
{
    char *data = NULL;
    size_t len = 0;

    assert_int_equal(ic_file_read(&data, &len, from), 0);
    assert_int_equal(ic_file_write_atomic(to, data, len, 0644), 0);
    free(data);
}

/* A copy of the data folder in a temporary folder (removed by rm_tree). */
static char *
copy_data(void)
{
    static const char *const files[] = {
        "service.json",          "labels.json",
        "openapi.json",          "collections/imagery.json",
        "collections/gmti.json", "collections/reports.json",
        "nvg/exercise-area.xml", "nvg/gmti-activity.xml",
        "cot/armour-coy.xml",    "cot/gmti-0004.xml",
        "cot/ad-radar.xml",      "cot/recce-patrol.xml",
    };
    char tmpl[] = "/tmp/test_refserver.XXXXXX";
    char *dir = xstrdup(mkdtemp(tmpl)), *a, *b;
    size_t i;

    assert_non_null(dir);
    for (i = 0; i < 3; i++) {
        a = xasprintf("%s/%s", dir,
                      i == 0   ? "collections"
                      : i == 1 ? "nvg"
                               : "cot");
        assert_int_equal(mkdir(a, 0755), 0);
        free(a);
    }
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        a = xasprintf("%s/%s", DATA_DIR, files[i]);
        b = xasprintf("%s/%s", dir, files[i]);
        copy_file(a, b);
        free(a);
        free(b);
    }
    return dir;
}

static void
rm_tree(char *dir)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);

    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(dir);
}

/* Overwrite dir/name with text; starting must fail naming the file. */
static void
expect_bad_file(const char *name, const char *text, const char *message)
{
    char *dir = copy_data(), *path = xasprintf("%s/%s", dir, name);
    ic_refserver_opts o;
    ic_refserver *s = NULL;

    assert_int_equal(ic_file_write_atomic(path, text, strlen(text), 0644), 0);
    memset(&o, 0, sizeof(o));
    o.data_dir = dir;
    assert_int_equal(ic_refserver_start(&s, &o), IC_EINPUT);
    assert_null(s);
    if (!strstr(ic_error_last(), path) || !strstr(ic_error_last(), message))
        fail_msg("error \"%s\" does not name %s and say \"%s\"",
                 ic_error_last(), path, message);
    free(path);
    rm_tree(dir);
}

static void
test_refserver_bad_data_files(void **state)
{
    char *dir = copy_data();
    ic_refserver_opts o;
    ic_refserver *s = NULL;

    (void)state;
    /* the copy itself is good */
    memset(&o, 0, sizeof(o));
    o.data_dir = dir;
    assert_int_equal(ic_refserver_start(&s, &o), 0);
    ic_refserver_stop(s);
    rm_tree(dir);

    expect_bad_file("service.json", "{\"title\": ", "service.json:");
    expect_bad_file("nvg/exercise-area.xml", "<nvg><point>", "not well-formed");
    expect_bad_file("nvg/gmti-activity.xml",
                    "<nvg xmlns=\"" NS_NVG "\" version=\"2.0.2\">"
                    "<point x=\"1\" y=\"2\"/></nvg>",
                    "no uri");
    expect_bad_file("cot/gmti-0004.xml",
                    "<event version=\"2.0\" uid=\"X\" type=\"a-h-G\" "
                    "how=\"m-g\" time=\"2025-01-01T00:00:00Z\" "
                    "start=\"2025-01-01T00:00:00Z\" "
                    "stale=\"2024-01-01T00:00:00Z\"><point lat=\"1\" "
                    "lon=\"2\" hae=\"0\" ce=\"1\" le=\"1\"/></event>",
                    "stale after start");
    expect_bad_file("collections/gmti.json",
                    "{\"type\": \"FeatureCollection\", \"features\": "
                    "[{\"type\": \"Feature\", \"id\": \"g 1\", "
                    "\"geometry\": null, \"properties\": {}}]}",
                    "$.features[0].id");
    expect_bad_file("labels.json",
                    "{\"policy\": {\"name\": \"NATO\", \"uri\": "
                    "\"urn:oid:1.3.26.1.3.1\", \"classifications\": "
                    "[\"SECRET\"], \"categories\": {}}, \"labels\": {}}",
                    "has no label");
}

static void
test_refserver_bad_options(void **state)
{
    const char *unknown = "no-such-fault";
    ic_refserver_opts o;
    ic_refserver *s = NULL;

    (void)state;
    memset(&o, 0, sizeof(o));
    o.data_dir = DATA_DIR;
    o.faults = &unknown;
    o.nfaults = 1;
    assert_int_equal(ic_refserver_start(&s, &o), IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "no-such-fault"));
    o.nfaults = 0;
    o.bind = "isr.example";
    assert_int_equal(ic_refserver_start(&s, &o), IC_EINPUT);
    o.bind = NULL;
    o.data_dir = "/nonexistent/refserver-data";
    assert_int_equal(ic_refserver_start(&s, &o), IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "/nonexistent/refserver-data"));
    assert_null(s);
    ic_refserver_stop(NULL);
    assert_non_null(strstr(ic_refserver_default_data_dir(), "refserver"));
}

static void
test_refserver_two_servers_on_port_zero(void **state)
{
    ic_refserver *a = start(NULL, 0, 0), *b = start(NULL, 0, 0);
    json_t *j;

    (void)state;
    assert_int_not_equal(ic_refserver_port(a), ic_refserver_port(b));
    j = fetch_json(ic_refserver_port(b), "/", 200, "application/json");
    json_decref(j);
    ic_refserver_stop(a);
    ic_refserver_stop(b);
}

/* ---- Link headers and HTML ---------------------------------------------- */

/* The Link header (RFC 8288) the links of a body give. */
static char *
expected_link_header(const json_t *links)
{
    ic_buf b;
    size_t i;
    json_t *l;

    ic_buf_init(&b, 0);
    json_array_foreach (links, i, l) {
        const char *type = json_string_value(json_object_get(l, "type"));

        ic_buf_appendf(&b, "%s<%s>; rel=\"%s\"", i ? ", " : "",
                       json_string_value(json_object_get(l, "href")),
                       json_string_value(json_object_get(l, "rel")));
        if (type)
            ic_buf_appendf(&b, "; type=\"%s\"", type);
    }
    return ic_buf_take(&b, NULL);
}

/* The Link header of the JSON at path repeats every link of the body. */
static void
assert_links_mirrored(unsigned short port, const char *path)
{
    struct reply r;
    json_t *j;
    char *want;

    fetch(&r, port, path);
    assert_int_equal(r.status, 200);
    j = json_loads(r.body.data, 0, NULL);
    assert_non_null(j);
    want = expected_link_header(json_object_get(j, "links"));
    if (!r.link || strcmp(r.link, want) != 0)
        fail_msg("%s: Link header\n  %s\nwant\n  %s", path,
                 r.link ? r.link : "(none)", want);
    free(want);
    json_decref(j);
    reply_dispose(&r);
}

static void
test_refserver_link_headers(void **state)
{
    static const char *const paths[] = {
        "/",
        "/conformance",
        "/collections",
        "/collections/gmti",
        "/collections/gmti/items?limit=2&offset=2",
        "/collections/gmti/items/gmti-0001",
        "/nvg",
        "/cot",
    };
    static const char *const faults[] = {
        "missing-service-desc",
        "no-api-definition-link",
        "broken-paging-link",
    };
    ic_refserver *s = start(NULL, 0, 0), *bad;
    unsigned short port = ic_refserver_port(s);
    struct reply r;
    char *self = xasprintf("<http://127.0.0.1:%u/>; rel=\"self\"; "
                           "type=\"application/json\", ",
                           port);
    char *url;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        assert_links_mirrored(port, paths[i]);
    fetch(&r, port, "/");
    assert_non_null(r.link);
    assert_int_equal(strncmp(r.link, self, strlen(self)), 0);
    assert_non_null(
        strstr(r.link, "/api>; rel=\"service-desc\"; type=\"" OPENAPI_TYPE));
    assert_non_null(strstr(
        r.link, "/api?f=html>; rel=\"service-doc\"; type=\"text/html\""));
    reply_dispose(&r);
    /* HEAD gets the same headers */
    url = xasprintf("http://127.0.0.1:%u/collections", port);
    fetch_url(&r, url, NULL, "HEAD");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.link, "/collections>; rel=\"self\""));
    reply_dispose(&r);
    free(url);
    /* resources without links have no Link header */
    fetch(&r, port, "/collections/gmti/items/gmti-0001/label");
    assert_int_equal(r.status, 200);
    assert_null(r.link);
    reply_dispose(&r);
    fetch(&r, port, "/collections/nope");
    assert_null(r.link);
    reply_dispose(&r);
    ic_refserver_stop(s);

    /* the headers repeat the faulty links too */
    for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        bad = start(&faults[i], 1, 0);
        port = ic_refserver_port(bad);
        assert_links_mirrored(port, "/");
        assert_links_mirrored(port, "/collections/gmti/items?limit=2");
        ic_refserver_stop(bad);
    }
    free(self);
}

/* Content-Type of path fetched with header (NULL: curl's Accept: * / *). */
static char *
type_for(unsigned short port, const char *path, const char *header)
{
    char *url = xasprintf("http://127.0.0.1:%u%s", port, path);
    struct reply r;
    char *type;

    fetch_url(&r, url, header, NULL);
    assert_int_equal(r.status, 200);
    /* a cache must not serve one representation for another */
    assert_non_null(r.vary);
    assert_string_equal(r.vary, "Accept");
    type = xstrdup(r.type);
    reply_dispose(&r);
    free(url);
    return type;
}

static void
test_refserver_html_negotiation(void **state)
{
    static const struct {
        const char *header;
        int html;
    } cases[] = {
        {"Accept:", 0}, /* no Accept header at all */
        {NULL, 0},      /* curl's default, * / * */
        {"Accept: application/json", 0},
        {"Accept: text/html", 1},
        {"Accept: TEXT/HTML", 1},
        {"Accept: text/*", 1},
        {"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,"
         "*/*;q=0.8",
         1},
        {"Accept: application/json, text/html", 0},
        {"Accept: text/html;q=0.5, application/json", 0},
        {"Accept: application/json;q=0.5, text/html", 1},
        {"Accept: application/*;q=0.9, text/html", 1},
        {"Accept: text/html;q=0", 0},
        {"Accept: text/html;q=nonsense, application/json;q=0.1", 0},
        {"Accept: application/geo+json, application/json;q=0.9", 0},
    };
    ic_refserver *s = start(NULL, 0, 0);
    unsigned short port = ic_refserver_port(s);
    size_t i;
    char *t;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        t = type_for(port, "/", cases[i].header);
        if (strcmp(t, cases[i].html ? "text/html; charset=utf-8"
                                    : "application/json") != 0)
            fail_msg("%s: Content-Type %s",
                     cases[i].header ? cases[i].header : "(default)", t);
        free(t);
    }
    /* f wins over Accept */
    t = type_for(port, "/collections?f=html", "Accept: application/json");
    assert_string_equal(t, "text/html; charset=utf-8");
    free(t);
    t = type_for(port, "/collections?f=json", "Accept: text/html");
    assert_string_equal(t, "application/json");
    free(t);
    t = type_for(port, "/collections/gmti/items", "Accept: text/html");
    assert_string_equal(t, "text/html; charset=utf-8");
    free(t);
    t = type_for(port, "/api", "Accept: text/html");
    assert_string_equal(t, "text/html; charset=utf-8");
    free(t);
    t = type_for(port, "/api", NULL);
    assert_string_equal(t, OPENAPI_TYPE);
    free(t);
    ic_refserver_stop(s);
}

/* The links of the page's own resource (not those of nested ones). */
#define TOP_LINKS                                                              \
    "count(/html/body/dl/dt[.='links']/following-sibling::dd[1]/ul/li/a"

/* The value of an XPath expression on the HTML page at path (f=html). */
static char *
html_xpath(unsigned short port, const char *path, const char *expr)
{
    char *url = xasprintf("http://127.0.0.1:%u%s", port, path);
    struct reply r;
    char *v;

    fetch_url(&r, url, "Accept: text/html", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.type, "text/html; charset=utf-8");
    assert_int_equal(strncmp(r.body.data, "<!DOCTYPE html>\n", 16), 0);
    /* well-formed: the parser of the tests is an XML one */
    v = xpath(r.body.data, r.body.len, expr);
    if (!v)
        fail_msg("%s: the HTML page is not well-formed", path);
    reply_dispose(&r);
    free(url);
    return v;
}

static void
assert_html(unsigned short port, const char *path, const char *expr,
            const char *want)
{
    char *v = html_xpath(port, path, expr);

    if (strcmp(v, want) != 0)
        fail_msg("%s: %s is \"%s\", want \"%s\"", path, expr, v, want);
    free(v);
}

static void
test_refserver_html_pages(void **state)
{
    static const char *const pages[] = {
        "/",
        "/conformance",
        "/collections",
        "/collections/gmti",
        "/collections/gmti/items?limit=2",
        "/collections/gmti/items/gmti-0001",
    };
    ic_refserver *s = start(NULL, 0, 0);
    unsigned short port = ic_refserver_port(s);
    json_t *j;
    char *v, *url;
    struct reply r;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        assert_html(port, pages[i], "count(/html/head/title[. != ''])", "1");
        assert_html(port, pages[i], "count(/html/body/h1)", "1");
        /* the links of the JSON, the roles of self and alternate swapped */
        assert_html(port, pages[i],
                    TOP_LINKS "[@rel='self' and @type='text/html' and "
                              "contains(@href, 'f=html')])",
                    "1");
        assert_html(port, pages[i],
                    TOP_LINKS "[@rel='alternate' and @type!='text/html' and "
                              "contains(@href, 'f=json')])",
                    "1");
    }
    assert_html(port, "/api", "count(/html/head/title)", "1");
    assert_html(port, "/api",
                "count(//dt[.='/collections/{collectionId}/items'])", "1");
    assert_html(port, "/",
                "count(//a[@rel='data' and contains(@href, "
                "'/collections?f=html')])",
                "1");
    assert_html(port, "/conformance",
                "count(//a[.='" CONF "geojson' and @href='" CONF "geojson'])",
                "1");
    /* paging stays in HTML; the products' labels are linked */
    assert_html(port, "/collections/gmti/items?limit=2",
                "count(//a[@rel='next' and @type='text/html' and "
                "contains(@href, 'offset=2') and contains(@href, 'f=html')])",
                "1");
    assert_html(port, "/collections/gmti/items/gmti-0002",
                "count(//a[@rel='" NS_4774 "'])", "1");

    /* the JSON's alternate link gives the HTML, the HTML's the JSON */
    j = fetch_json(port, "/collections/gmti", 200, "application/json");
    fetch_url(&r, link_href(json_object_get(j, "links"), "alternate"), NULL,
              NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.type, "text/html; charset=utf-8");
    reply_dispose(&r);
    json_decref(j);
    v = html_xpath(port, "/collections/gmti",
                   "string(//a[@rel='alternate']/@href)");
    fetch_url(&r, v, "Accept: text/html", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.type, "application/json");
    reply_dispose(&r);
    free(v);

    /* the service-doc link gives the HTML API definition, whatever Accept */
    j = fetch_json(port, "/", 200, "application/json");
    assert_string_equal(link_type(json_object_get(j, "links"), "service-doc"),
                        "text/html");
    url = xstrdup(link_href(json_object_get(j, "links"), "service-doc"));
    json_decref(j);
    fetch_url(&r, url, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.type, "text/html; charset=utf-8");
    reply_dispose(&r);
    free(url);
    ic_refserver_stop(s);
}

/* Every value from the data is escaped in HTML. */
static void
test_refserver_html_escapes(void **state)
{
    static const char title[] =
        "<script>alert(1)</script> & \"NLD\" 'ISR' <b>library</b>";
    char *dir = copy_data();
    char *path = xasprintf("%s/service.json", dir), *text, *v;
    json_t *svc = json_load_file(path, 0, NULL);
    ic_refserver_opts o;
    ic_refserver *s = NULL;
    struct reply r;
    char *url;

    (void)state;
    assert_non_null(svc);
    json_object_set_new(svc, "title", json_string(title));
    json_object_set_new(svc, "description", json_string("a < b && c > d"));
    text = json_dumps(svc, JSON_INDENT(2));
    assert_int_equal(ic_file_write_atomic(path, text, strlen(text), 0644), 0);
    memset(&o, 0, sizeof(o));
    o.data_dir = dir;
    assert_int_equal(ic_refserver_start(&s, &o), 0);
    url = xasprintf("http://127.0.0.1:%u/", ic_refserver_port(s));
    fetch_url(&r, url, "Accept: text/html", NULL);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body.data, "<script"));
    assert_null(strstr(r.body.data, "<b>"));
    v = xpath(r.body.data, r.body.len, "string(/html/head/title)");
    assert_non_null(v);
    assert_string_equal(v, title);
    free(v);
    v = xpath(r.body.data, r.body.len,
              "concat(count(//script), count(//b), count(//h1))");
    assert_string_equal(v, "001");
    free(v);
    v = xpath(r.body.data, r.body.len,
              "string(//dt[.='description']/following-sibling::dd[1])");
    assert_string_equal(v, "a < b && c > d");
    free(v);
    reply_dispose(&r);
    free(url);
    ic_refserver_stop(s);
    json_decref(svc);
    free(text);
    free(path);
    rm_tree(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refserver_landing),
        cmocka_unit_test(test_refserver_api_and_conformance),
        cmocka_unit_test(test_refserver_collections),
        cmocka_unit_test(test_refserver_items_paging),
        cmocka_unit_test(test_refserver_items_filters),
        cmocka_unit_test(test_refserver_not_found),
        cmocka_unit_test(test_refserver_label_and_binding),
        cmocka_unit_test(test_refserver_nvg),
        cmocka_unit_test(test_refserver_cot),
        cmocka_unit_test(test_refserver_http_robustness),
        cmocka_unit_test(test_refserver_link_headers),
        cmocka_unit_test(test_refserver_html_negotiation),
        cmocka_unit_test(test_refserver_html_pages),
        cmocka_unit_test(test_refserver_html_escapes),
        cmocka_unit_test(test_refserver_faults_listed),
        cmocka_unit_test(test_refserver_faults_each_breaks_its_requirement),
        cmocka_unit_test(test_refserver_slow_responses),
        cmocka_unit_test(test_refserver_bad_data_files),
        cmocka_unit_test(test_refserver_bad_options),
        cmocka_unit_test(test_refserver_two_servers_on_port_zero),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
