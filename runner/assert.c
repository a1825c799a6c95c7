#include "config.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assert.h"
#include "assert_impl.h"
#include "error.h"
#include "image.h"
#include "jsonfile.h"
#include "jsonptr.h"
#include "label.h" /* stanag4774 (nato suites) */
#include "util.h"

#define MAX_PIXELS ((size_t)64 * 1024 * 1024)

const char *const ic_assert_kinds[] = {
    "status", "header",        "xml",        "xpath", "xsd", "json",
    "image",  "ogc_exception", "stanag4774", "any",   NULL};
const char *const ic_assert_ops[] = {"<", "<=", ">", ">=", "==", "!=", NULL};

void
ic_eval_init(ic_eval *ev, const ic_response *resp, const json_t *namespaces,
             const json_t *schemas, ic_schemas *cache)
{
    memset(ev, 0, sizeof(*ev));
    ev->resp = resp;
    ev->namespaces = namespaces;
    ev->schemas = schemas;
    ev->schema_cache = cache;
    ev->max_pixels = MAX_PIXELS;
}

void
ic_eval_dispose(ic_eval *ev)
{
    if (!ev)
        return;
    ic_xml_free(ev->xml);
    json_decref(ev->json);
    ev->xml = NULL;
    ev->json = NULL;
}

ic_xml *
ic_eval_xml(ic_eval *ev)
{
    if (!ev->xml_done) {
        ev->xml_done = 1;
        if (!ev->resp->body || ev->resp->body_len == 0)
            snprintf(ev->xml_err, sizeof(ev->xml_err),
                     "empty body, expected XML");
        else
            ic_xml_parse(&ev->xml, ev->resp->body, ev->resp->body_len,
                         ev->namespaces, ev->xml_err, sizeof(ev->xml_err));
    }
    return ev->xml;
}

json_t *
ic_eval_json(ic_eval *ev)
{
    if (!ev->json_done) {
        json_error_t jerr;

        ev->json_done = 1;
        ev->json = json_loadb((const char *)ev->resp->body, ev->resp->body_len,
                              JSON_DECODE_ANY, &jerr);
        if (!ev->json)
            snprintf(ev->json_err, sizeof(ev->json_err),
                     "not JSON (line %d): %s", jerr.line, jerr.text);
    }
    return ev->json;
}

/* ---- small helpers ---------------------------------------------------- */

int
ic_assert_regex_match(const char *re, const char *s, char *msg, size_t msglen,
                      int *ok)
{
    regex_t rx;
    int rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);

    if (rc != 0) {
        char e[128];

        regerror(rc, &rx, e, sizeof(e));
        snprintf(msg, msglen, "invalid regex \"%s\": %s", re, e);
        return -1;
    }
    *ok = regexec(&rx, s, 0, NULL, 0) == 0;
    regfree(&rx);
    return 0;
}

int
ic_assert_number(const json_t *v, double *out)
{
    char *end;

    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    if (!json_is_string(v) || !*json_string_value(v))
        return -1;
    *out = strtod(json_string_value(v), &end);
    return *end ? -1 : 0;
}

/* A number as XML Schema writes it (exponents allowed, unlike XPath 1.0
 * number()); NaN when the text is not one number. */
double
ic_assert_text_number(const char *s)
{
    char *end;
    double d;

    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    if (!*s)
        return NAN;
    d = strtod(s, &end);
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
        end++;
    return *end ? NAN : d;
}

static int
compare(const char *op, double a, double b)
{
    if (strcmp(op, "<") == 0)
        return a < b;
    if (strcmp(op, "<=") == 0)
        return a <= b;
    if (strcmp(op, ">") == 0)
        return a > b;
    if (strcmp(op, ">=") == 0)
        return a >= b;
    if (strcmp(op, "==") == 0)
        return a == b;
    return a != b;
}

/* Apply every comparison operator present in spec to x. */
ic_outcome
ic_assert_numeric_ops(const json_t *spec, double x, const char *what, char *msg,
                      size_t msglen)
{
    for (size_t i = 0; ic_assert_ops[i]; i++) {
        const json_t *v = json_object_get(spec, ic_assert_ops[i]);
        double want;

        if (!v)
            continue;
        if (ic_assert_number(v, &want) < 0) {
            char *t = ic_json_scalar_text(v);

            snprintf(msg, msglen, "%s: \"%s\" is not a number", what, t);
            free(t);
            return IC_CANTTELL;
        }
        if (isnan(x) || !compare(ic_assert_ops[i], x, want)) {
            snprintf(msg, msglen, "%s: expected %s %g, found %g", what,
                     ic_assert_ops[i], want, x);
            return IC_FAILED;
        }
    }
    return IC_PASSED;
}

int
ic_assert_has_ops(const json_t *spec)
{
    for (size_t i = 0; ic_assert_ops[i]; i++)
        if (json_object_get(spec, ic_assert_ops[i]))
            return 1;
    return 0;
}

/* count: a number, or an object of comparison operators */
ic_outcome
ic_assert_count_check(const json_t *want, double n, const char *what, char *msg,
                      size_t msglen)
{
    double w;

    if (json_is_object(want))
        return ic_assert_numeric_ops(want, n, what, msg, msglen);
    if (ic_assert_number(want, &w) < 0) {
        snprintf(msg, msglen, "%s: count is not a number", what);
        return IC_CANTTELL;
    }
    if (n != w) {
        snprintf(msg, msglen, "%s: expected count %g, found %g", what, w, n);
        return IC_FAILED;
    }
    return IC_PASSED;
}

void
ic_assert_clip(char *dst, size_t len, const char *s)
{
    size_t n = strlen(s);

    if (n < len) {
        memcpy(dst, s, n + 1);
        return;
    }
    n = len - 4;
    /* never cut a UTF-8 sequence: back up to a character boundary */
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    memcpy(dst, s, n);
    memcpy(dst + n, "...", 4);
}

/* ---- kinds ------------------------------------------------------------- */

static ic_outcome
eval_status(ic_eval *ev, const json_t *a, char *msg, size_t msglen)
{
    const json_t *want = json_object_get(a, "status");
    json_t *item;
    size_t i;
    double w;

    /* compared as doubles: a templated value may be anything (1e300) */
    if (json_is_array(want)) {
        json_array_foreach (want, i, item) {
            if (ic_assert_number(item, &w) == 0 &&
                w == (double)ev->resp->status)
                return IC_PASSED;
        }
    } else if (ic_assert_number(want, &w) == 0 &&
               w == (double)ev->resp->status) {
        return IC_PASSED;
    }
    char *t = ic_json_scalar_text(want);
    snprintf(msg, msglen, "HTTP status: expected %s, found %ld", t,
             ev->resp->status);
    free(t);
    return IC_FAILED;
}

static ic_outcome
eval_header(ic_eval *ev, const json_t *a, char *msg, size_t msglen)
{
    const char *name = json_string_value(json_object_get(a, "header"));
    const char *value = ic_response_header(ev->resp, name);
    const json_t *v;
    char shown[160];
    int ok;

    if ((v = json_object_get(a, "exists"))) {
        if (json_is_true(v) == (value != NULL))
            return IC_PASSED;
        snprintf(msg, msglen, "header %s: expected %s", name,
                 value ? "absent" : "present");
        return IC_FAILED;
    }
    if (!value) {
        snprintf(msg, msglen, "header %s: missing", name);
        return IC_FAILED;
    }
    ic_assert_clip(shown, sizeof(shown), value);
    if ((v = json_object_get(a, "equals"))) {
        if (strcmp(value, json_string_value(v)) == 0)
            return IC_PASSED;
        snprintf(msg, msglen, "header %s: expected \"%s\", found \"%s\"", name,
                 json_string_value(v), shown);
        return IC_FAILED;
    }
    v = json_object_get(a, "matches");
    if (ic_assert_regex_match(json_string_value(v), value, msg, msglen, &ok) <
        0)
        return IC_CANTTELL;
    if (ok)
        return IC_PASSED;
    snprintf(msg, msglen, "header %s: \"%s\" does not match /%s/", name, shown,
             json_string_value(v));
    return IC_FAILED;
}

static const char *
json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "null";
    }
}

static ic_outcome
eval_json_ptr(ic_eval *ev, const json_t *a, char *msg, size_t msglen)
{
    const char *ptr = json_string_value(json_object_get(a, "json"));
    json_t *doc = ic_eval_json(ev), *v;
    const json_t *w;
    char shown[160];

    if (!doc) {
        snprintf(msg, msglen, "%s", ev->json_err);
        return IC_FAILED;
    }
    v = ic_jsonptr_get(doc, ptr);
    if ((w = json_object_get(a, "exists"))) {
        if ((v != NULL) != json_is_true(w)) {
            snprintf(msg, msglen, "%s: expected %s", ptr,
                     v ? "absent, found it" : "present, missing");
            return IC_FAILED;
        }
        if (!v)
            return IC_PASSED;
    }
    if (!v) {
        snprintf(msg, msglen, "%s: missing", ptr);
        return IC_FAILED;
    }
    if ((w = json_object_get(a, "type"))) {
        const char *want = json_string_value(w), *got = json_type_name(v);
        int ok = strcmp(want, got) == 0 ||
                 (strcmp(want, "number") == 0 && json_is_number(v)) ||
                 (strcmp(want, "integer") == 0 && json_is_real(v) &&
                  json_real_value(v) == floor(json_real_value(v)));

        if (!ok) {
            snprintf(msg, msglen, "%s: expected type %s, found %s", ptr, want,
                     got);
            return IC_FAILED;
        }
    }
    if ((w = json_object_get(a, "equals"))) {
        int ok = json_equal(v, (json_t *)w);
        double x, y;

        if (!ok && json_is_number(v) && ic_assert_number(w, &y) == 0 &&
            ic_assert_number(v, &x) == 0)
            ok = x == y;
        if (!ok && json_is_string(w) && !json_is_string(v)) {
            char *t = ic_json_scalar_text(v);

            ok = strcmp(t, json_string_value(w)) == 0;
            free(t);
        }
        if (!ok) {
            char *want = ic_json_scalar_text(w), *got = ic_json_scalar_text(v);

            ic_assert_clip(shown, sizeof(shown), got);
            snprintf(msg, msglen, "%s: expected %s, found %s", ptr, want,
                     shown);
            free(want);
            free(got);
            return IC_FAILED;
        }
    }
    if ((w = json_object_get(a, "matches"))) {
        int ok;

        if (!json_is_string(v)) {
            snprintf(msg, msglen, "%s: expected a string, found %s", ptr,
                     json_type_name(v));
            return IC_FAILED;
        }
        if (ic_assert_regex_match(json_string_value(w), json_string_value(v),
                                  msg, msglen, &ok) < 0)
            return IC_CANTTELL;
        if (!ok) {
            ic_assert_clip(shown, sizeof(shown), json_string_value(v));
            snprintf(msg, msglen, "%s: \"%s\" does not match /%s/", ptr, shown,
                     json_string_value(w));
            return IC_FAILED;
        }
    }
    if ((w = json_object_get(a, "count"))) {
        double n = json_is_array(v)    ? (double)json_array_size(v)
                   : json_is_object(v) ? (double)json_object_size(v)
                                       : -1;
        ic_outcome o;

        if (n < 0) {
            snprintf(msg, msglen, "%s: expected an array, found %s", ptr,
                     json_type_name(v));
            return IC_FAILED;
        }
        o = ic_assert_count_check(w, n, ptr, msg, msglen);
        if (o != IC_PASSED)
            return o;
    }
    if (ic_assert_has_ops(a)) {
        if (!json_is_number(v)) {
            snprintf(msg, msglen, "%s: expected a number, found %s", ptr,
                     json_type_name(v));
            return IC_FAILED;
        }
        return ic_assert_numeric_ops(a, json_number_value(v), ptr, msg, msglen);
    }
    return IC_PASSED;
}

static const char *
kind_of(const json_t *a)
{
    for (size_t i = 0; ic_assert_kinds[i]; i++)
        if (json_object_get(a, ic_assert_kinds[i]))
            return ic_assert_kinds[i];
    return "";
}

/* Passes when one alternative passes; otherwise fails with every reason
 * (cantTell when no alternative failed outright). */
static ic_outcome
eval_any(ic_eval *ev, const json_t *a, char *msg, size_t msglen)
{
    const json_t *alts = json_object_get(a, "any"), *alt;
    ic_outcome worst = IC_CANTTELL;
    size_t i, used = 0;
    char one[512];

    msg[0] = '\0';
    json_array_foreach (alts, i, alt) {
        ic_outcome o = ic_assert_eval(ev, alt, one, sizeof(one));

        if (o == IC_PASSED) {
            msg[0] = '\0';
            return IC_PASSED;
        }
        if (o == IC_FAILED)
            worst = IC_FAILED;
        if (used + 8 < msglen) {
            snprintf(msg + used, msglen - used, "%s%s",
                     i ? "; or " : "none of: ", one);
            used = strlen(msg);
        }
    }
    return worst;
}

ic_outcome
ic_assert_eval(ic_eval *ev, const json_t *a, char *msg, size_t msglen)
{
    const char *kind = kind_of(a);
    ic_outcome o;

    msg[0] = '\0';
    if (strcmp(kind, "status") == 0)
        o = eval_status(ev, a, msg, msglen);
    else if (strcmp(kind, "header") == 0)
        o = eval_header(ev, a, msg, msglen);
    else if (strcmp(kind, "xml") == 0)
        o = ic_assert_xml_wf(ev, msg, msglen);
    else if (strcmp(kind, "xpath") == 0)
        o = ic_assert_xpath(ev, a, msg, msglen);
    else if (strcmp(kind, "xsd") == 0)
        o = ic_assert_xsd(ev, a, msg, msglen);
    else if (strcmp(kind, "ogc_exception") == 0)
        o = ic_assert_ogc_exception(ev, a, msg, msglen);
    else if (strcmp(kind, "json") == 0)
        o = eval_json_ptr(ev, a, msg, msglen);
    else if (strcmp(kind, "stanag4774") == 0)
        o = ic_label_eval(ev, a, msg, msglen);
    else if (strcmp(kind, "any") == 0)
        o = eval_any(ev, a, msg, msglen);
    else if (strcmp(kind, "image") == 0)
        o = ic_image_assert(json_object_get(a, "image"), ev->resp->body,
                            ev->resp->body_len, ev->max_pixels, msg, msglen);
    else {
        snprintf(msg, msglen, "unknown assertion kind");
        o = IC_CANTTELL;
    }
    if (o == IC_FAILED && json_is_string(json_object_get(a, "why"))) {
        size_t used = strlen(msg);

        snprintf(msg + used, msglen - used, " (%s)",
                 json_string_value(json_object_get(a, "why")));
    }
    return o;
}
