/*
 * fuzz_assert — libFuzzer harness for the assertion evaluator on arbitrary
 * responses: the input is a raw header block ("HTTP/1.1 200 OK\r\n...")
 * up to the first CRLF CRLF, then the body (without a CRLF CRLF the whole
 * input is the body of a 200 without headers). A fixed set of assertions of
 * every kind (status, header, xml, xpath, xsd without schemas, json,
 * ogc_exception, image, stanag4774 with a small policy, any) and captures
 * is evaluated through ic_eval_init / ic_assert_eval / ic_capture_eval.
 * Build with tests/fuzz/build.sh; see README.md.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "assert.h"
#include "response.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NS4774 "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"

static const char assertions_text[] =
    "["
    "{\"status\": 200}, {\"status\": [200, \"304\"]},"
    "{\"header\": \"Content-Type\", \"exists\": true},"
    "{\"header\": \"Content-Type\", \"equals\": \"text/xml\"},"
    "{\"header\": \"content-type\", \"matches\": \"^(text|application)/"
    "[a-z+]*xml\", \"why\": \"XML expected\"},"
    "{\"xml\": \"well-formed\"},"
    "{\"xpath\": \"/*\", \"exists\": true},"
    "{\"xpath\": \"//wms:Layer\", \"count\": {\">=\": 1, \"<\": 50}},"
    "{\"xpath\": \"count(//*)\", \"count\": 3},"
    "{\"xpath\": \"string(/*/@version)\", \"equals\": \"1.3.0\"},"
    "{\"xpath\": \"//text()\", \"matches\": \"^[0-9. -]+$\"},"
    "{\"xpath\": \"//@*\", \">=\": -90, \"<=\": \"90\", \"!=\": 0},"
    "{\"xpath\": \"sum(//*[@n])\", \"==\": 1},"
    "{\"xpath\": \"local-name(/*)\", \">\": 1},"
    "{\"xpath\": \"boolean(//*[2])\", \"true\": true},"
    "{\"xpath\": \"//wms:Name\", \"exists\": false},"
    "{\"xsd\": \"caps\"},"
    "{\"ogc_exception\": \"InvalidCRS\"}, {\"ogc_exception\": true},"
    "{\"json\": \"\", \"exists\": true},"
    "{\"json\": \"/type\", \"equals\": \"FeatureCollection\"},"
    "{\"json\": \"/numberReturned\", \"type\": \"integer\"},"
    "{\"json\": \"/numberReturned\", \"equals\": \"10\"},"
    "{\"json\": \"/links/[rel=next]/href\", \"matches\": \"^https?:\"},"
    "{\"json\": \"/features\", \"count\": {\"<=\": 10}},"
    "{\"json\": \"/0/a~1b/~0\", \"count\": 2},"
    "{\"json\": \"/numberReturned\", \">=\": 0, \"<\": 1e308},"
    "{\"json\": \"/x\", \"exists\": false},"
    "{\"image\": {\"format\": \"png\", \"width\": 7, \"height\": \"3\"}},"
    "{\"image\": {\"transparent\": false, \"pixel\": {\"x\": 1, \"y\": 1,"
    " \"color\": \"#ff000080\", \"tolerance\": 8}}},"
    "{\"image\": {\"share\": {\"color\": \"#ffffff\", \"min\": 0.5,"
    " \"max\": 1}}},"
    "{\"stanag4774\": \"//slab:originatorConfidentialityLabel\","
    " \"policy\": \"policy\"},"
    "{\"stanag4774\": \"//slab:ConfidentialityInformation | //label\","
    " \"policy\": \"policy\", \"releasable_to\": \"DEU,NLD USA\"},"
    "{\"stanag4774\": \"//*\", \"policy\": \"policy\","
    " \"releasable_to\": [\"EU\", \"XYZ\"]},"
    "{\"stanag4774\": \"count(/*)\", \"policy\": \"policy\"},"
    "{\"stanag4774\": \"/*\", \"policy\": \"nopolicy\"},"
    "{\"any\": [{\"status\": 404}, {\"json\": \"/id\", \"exists\": true},"
    " {\"xpath\": \"/ows:ExceptionReport\", \"exists\": true}]}"
    "]";

static const char captures_text[] =
    "["
    "{\"xpath\": \"string(/*/@version)\"},"
    "{\"xpath\": \"//wms:Format\", \"list\": true, \"max\": 3},"
    "{\"xpath\": \"count(//*)\", \"list\": true},"
    "{\"xpath\": \"//wms:Layer[wms:Name]\", \"list\": true, \"max\": \"5\","
    " \"fields\": {\"name\": \"wms:Name\", \"n\": \"count(*)\"}},"
    "{\"xpath\": \"/*\"},"
    "{\"json\": \"/links/[rel=next]/href\"},"
    "{\"json\": \"/features\", \"list\": true, \"max\": 4},"
    "{\"json\": \"/features\", \"list\": true,"
    " \"fields\": {\"id\": \"/id\", \"p\": \"/properties/[k=v]\"}},"
    "{\"json\": \"\"},"
    "{\"header\": \"ETag\"}"
    "]";

/* Assertions whose operands are captured from the response, as suites do
 * ("count": "${page1.numberMatched}"): expanded against {"cap": VALUE}. */
static const char templated_text[] =
    "["
    "{\"status\": \"${cap}\"}, {\"status\": [\"${cap}\"]},"
    "{\"xpath\": \"count(//*)\", \">=\": \"${cap}\"},"
    "{\"xpath\": \"//@*\", \"<\": \"${cap}\", \"count\": \"${cap}\"},"
    "{\"xpath\": \"string(/*/@v)\", \"equals\": \"${cap}\"},"
    "{\"xpath\": \"/*\", \"matches\": \"^${cap|re}$\"},"
    "{\"json\": \"/features\", \"count\": \"${cap}\"},"
    "{\"json\": \"/numberReturned\", \"equals\": \"${cap}\","
    " \"!=\": \"${cap}\"},"
    "{\"header\": \"X-V\", \"equals\": \"${cap}\"},"
    "{\"image\": {\"width\": \"${cap}\", \"height\": \"${cap}\","
    " \"pixel\": {\"x\": \"${cap}\", \"y\": \"${cap}\","
    " \"color\": \"#000000\", \"tolerance\": \"${cap}\"},"
    " \"share\": {\"color\": \"#ffffff\", \"min\": \"${cap}\"}}}"
    "]";

static const char params_text[] =
    "{\"policy\": {\"name\": \"NATO\", \"uri\": \"urn:oid:1.3.26.1.3.1\","
    " \"classifications\": [\"UNCLASSIFIED\", \"RESTRICTED\", \"SECRET\"],"
    " \"categories\": {"
    "   \"Releasable To\": {\"type\": \"PERMISSIVE\", \"values\": \"nations\"},"
    "   \"Only For\": {\"type\": \"RESTRICTIVE\", \"values\": \"nations\"},"
    "   \"Note\": {\"type\": \"INFORMATIVE\"},"
    "   \"Context\": {\"type\": \"PERMISSIVE\","
    "                 \"values\": [\"EXERCISE\", \"OPERATION\"]}},"
    " \"nations\": [\"BEL\", \"DEU\", \"FRA\", \"NLD\", \"USA\", \"SWE\"],"
    " \"groups\": {\"NATO\": [\"BEL\", \"DEU\", \"FRA\", \"NLD\", \"USA\"],"
    "              \"EU\": [\"BEL\", \"DEU\", \"FRA\", \"NLD\", \"SWE\"]},"
    " \"default_release\": [\"NATO\"]}}";

static json_t *assertions, *captures, *templated, *params, *namespaces,
    *schemas;

static void
load_fixed(void)
{
    assertions = json_loads(assertions_text, 0, NULL);
    captures = json_loads(captures_text, 0, NULL);
    templated = json_loads(templated_text, 0, NULL);
    params = json_loads(params_text, 0, NULL);
    namespaces =
        json_pack("{s:s, s:s, s:s}", "wms", "http://www.opengis.net/wms", "ows",
                  "http://www.opengis.net/ows/1.1", "slab", NS4774);
    /* never resolvable offline: the xsd assertion stays cantTell */
    schemas = json_pack("{s:s}", "caps", "http://fuzz.invalid/none.xsd");
    if (!assertions || !captures || !templated || !params || !namespaces ||
        !schemas)
        abort();
}

static const uint8_t *
find_crlf2(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++)
        if (memcmp(p + i, "\r\n\r\n", 4) == 0)
            return p + i;
    return NULL;
}

/* Capture "cap" from the response (JSON /v, else the root's v attribute,
 * else header X-V) and evaluate the templated assertions with it. */
static void
eval_templated(ic_eval *ev, ic_scope *scope)
{
    static const char *const specs[] = {"{\"json\": \"/v\"}",
                                        "{\"xpath\": \"string(/*/@v)\"}",
                                        "{\"header\": \"X-V\"}"};
    json_t *value = NULL, *vars, *a, *expanded;
    char msg[512];
    size_t i;

    for (i = 0; i < sizeof(specs) / sizeof(specs[0]) && !value; i++) {
        json_t *spec = json_loads(specs[i], 0, NULL);

        if (ic_capture_eval(ev, spec, &value, msg, sizeof(msg)) < 0)
            value = NULL;
        json_decref(spec);
    }
    if (!value)
        return;
    vars = json_pack("{s:o}", "cap", value);
    scope->n = 0;
    ic_scope_push(scope, vars);
    ic_scope_push(scope, params);
    json_array_foreach (templated, i, a) {
        if (ic_template_expand_json(&expanded, a, scope, msg, sizeof(msg)) < 0)
            continue;
        (void)ic_assert_eval(ev, expanded, msg, sizeof(msg));
        json_decref(expanded);
    }
    json_decref(vars);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = find_crlf2(data, size);
    size_t hlen = sep ? (size_t)(sep - data) + 4 : 0, i;
    ic_response resp;
    ic_eval ev;
    ic_scope scope;
    json_t *a, *c, *result, *value;
    char msg[512];

    if (!assertions)
        load_fixed();
    ic_response_init(&resp);
    resp.status = 200;
    if (hlen) {
        resp.header_raw = xstrndup((const char *)data, hlen);
        resp.header_len = hlen;
        if (ic_response_parse_headers(&resp, resp.header_raw, hlen) < 0)
            abort();
    }
    /* as http.c keeps it: NUL-terminated after body_len */
    resp.body_len = size - hlen;
    resp.body = xmalloc(resp.body_len + 1);
    memcpy(resp.body, data + hlen, resp.body_len);
    resp.body[resp.body_len] = '\0';

    memset(&scope, 0, sizeof(scope));
    ic_scope_push(&scope, params);
    result = json_object();
    ic_eval_init(&ev, &resp, namespaces, schemas, NULL);
    ev.scope = &scope;
    ev.annotations = result;
    ev.max_pixels = (size_t)1 << 20;
    json_array_foreach (assertions, i, a) {
        ic_outcome o = ic_assert_eval(&ev, a, msg, sizeof(msg));

        if ((int)o < 0 || o >= IC_OUTCOME_COUNT || !memchr(msg, 0, sizeof(msg)))
            abort();
    }
    json_array_foreach (captures, i, c) {
        value = NULL;
        if (ic_capture_eval(&ev, c, &value, msg, sizeof(msg)) == 0) {
            /* a capture that succeeded has a value the run can store */
            if (!value)
                abort();
            json_decref(value);
        } else if (value) {
            abort();
        }
    }
    eval_templated(&ev, &scope);
    ic_eval_dispose(&ev);
    json_decref(result);
    ic_response_dispose(&resp);
    return 0;
}
