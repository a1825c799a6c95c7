/* Assertions on XML bodies: well-formedness, XPath, XSD, OGC exception
 * reports; see assert.h. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assert.h"
#include "assert_impl.h"
#include "jsonfile.h"
#include "util.h"

ic_outcome
ic_assert_xpath(ic_eval *ev, const json_t *a, char *msg, size_t msglen)
{
    const char *expr = json_string_value(json_object_get(a, "xpath"));
    ic_xml *x = ic_eval_xml(ev);
    ic_xpath_result r;
    ic_outcome o = IC_PASSED;
    const json_t *v;
    char shown[160];
    int ok;

    if (!x) {
        snprintf(msg, msglen, "%s", ev->xml_err);
        return IC_FAILED;
    }
    if (ic_xml_xpath(x, expr, &r, msg, msglen) < 0)
        return IC_CANTTELL;
    if ((v = json_object_get(a, "exists"))) {
        int present = r.type == IC_XPATH_NODESET ? r.count > 0 : r.boolean;

        if (present != json_is_true(v)) {
            snprintf(msg, msglen, "%s: expected %s", expr,
                     json_is_true(v) ? "a match, found none"
                                     : "no match, found one");
            o = IC_FAILED;
            goto done;
        }
    }
    if ((v = json_object_get(a, "count"))) {
        char what[200];

        snprintf(what, sizeof(what), "%s", expr);
        o = ic_assert_count_check(v, (double)r.count, what, msg, msglen);
        if (o != IC_PASSED)
            goto done;
    }
    if ((v = json_object_get(a, "true"))) {
        if (r.boolean != json_is_true(v)) {
            snprintf(msg, msglen, "%s: expected %s, found %s", expr,
                     json_is_true(v) ? "true" : "false",
                     r.boolean ? "true" : "false");
            o = IC_FAILED;
            goto done;
        }
    }
    if ((v = json_object_get(a, "equals"))) {
        char *want = ic_json_scalar_text(v);

        if (r.type == IC_XPATH_NODESET && r.count == 0) {
            snprintf(msg, msglen, "%s: expected \"%s\", found nothing", expr,
                     want);
            o = IC_FAILED;
        } else if (strcmp(r.string, want) != 0) {
            ic_assert_clip(shown, sizeof(shown), r.string);
            snprintf(msg, msglen, "%s: expected \"%s\", found \"%s\"", expr,
                     want, shown);
            o = IC_FAILED;
        }
        free(want);
        if (o != IC_PASSED)
            goto done;
    }
    if ((v = json_object_get(a, "matches"))) {
        const char *re = json_string_value(v);

        if (r.type == IC_XPATH_NODESET) {
            if (r.count == 0) {
                snprintf(msg, msglen, "%s: nothing to match against /%s/", expr,
                         re);
                o = IC_FAILED;
                goto done;
            }
            for (size_t i = 0; i < r.count; i++) {
                if (ic_assert_regex_match(re, r.strings[i], msg, msglen, &ok) <
                    0) {
                    o = IC_CANTTELL;
                    goto done;
                }
                if (!ok) {
                    ic_assert_clip(shown, sizeof(shown), r.strings[i]);
                    snprintf(msg, msglen,
                             "%s: \"%s\" (node %zu of %zu) does not match "
                             "/%s/",
                             expr, shown, i + 1, r.count, re);
                    o = IC_FAILED;
                    goto done;
                }
            }
        } else {
            if (ic_assert_regex_match(re, r.string, msg, msglen, &ok) < 0) {
                o = IC_CANTTELL;
                goto done;
            }
            if (!ok) {
                ic_assert_clip(shown, sizeof(shown), r.string);
                snprintf(msg, msglen, "%s: \"%s\" does not match /%s/", expr,
                         shown, re);
                o = IC_FAILED;
                goto done;
            }
        }
    }
    if (ic_assert_has_ops(a)) {
        if (r.type == IC_XPATH_NODESET && r.count == 0) {
            snprintf(msg, msglen, "%s: no value to compare", expr);
            o = IC_FAILED;
            goto done;
        }
        if (r.type != IC_XPATH_NODESET) {
            o = ic_assert_numeric_ops(a,
                                      r.type == IC_XPATH_STRING
                                          ? ic_assert_text_number(r.string)
                                          : r.number,
                                      expr, msg, msglen);
            goto done;
        }
        /* every selected node must satisfy the comparison */
        for (size_t i = 0; i < r.count && o == IC_PASSED; i++) {
            double val = ic_assert_text_number(r.strings[i]);
            char what[300];

            if (isnan(val)) {
                ic_assert_clip(shown, sizeof(shown), r.strings[i]);
                snprintf(msg, msglen,
                         "%s: \"%s\" (node %zu of %zu) is not "
                         "a number",
                         expr, shown, i + 1, r.count);
                o = IC_FAILED;
                break;
            }
            if (r.count > 1)
                snprintf(what, sizeof(what), "%s (node %zu of %zu)", expr,
                         i + 1, r.count);
            else
                snprintf(what, sizeof(what), "%s", expr);
            o = ic_assert_numeric_ops(a, val, what, msg, msglen);
        }
    }
done:
    ic_xpath_result_dispose(&r);
    return o;
}

ic_outcome
ic_assert_xsd(ic_eval *ev, const json_t *a, char *msg, size_t msglen)
{
    const char *key = json_string_value(json_object_get(a, "xsd"));
    const json_t *entry = json_object_get(ev->schemas, key);
    const char *url = key, *pin = NULL;
    ic_xml *x;

    if (json_is_string(entry)) {
        url = json_string_value(entry);
    } else if (json_is_object(entry)) {
        url = json_string_value(json_object_get(entry, "url"));
        pin = json_string_value(json_object_get(entry, "sha256"));
    }
    x = ic_eval_xml(ev);
    if (!x) {
        snprintf(msg, msglen, "%s", ev->xml_err);
        return IC_FAILED;
    }
    if (!ev->schema_cache) {
        snprintf(msg, msglen, "no schema support in this context");
        return IC_CANTTELL;
    }
    return ic_schemas_validate(ev->schema_cache, url, pin, x, msg, msglen);
}

ic_outcome
ic_assert_ogc_exception(ic_eval *ev, const json_t *a, char *msg, size_t msglen)
{
    static const char report[] = "/*[local-name()='ServiceExceptionReport' or "
                                 "local-name()='ExceptionReport']";
    static const char codes[] = "/*/*[local-name()='ServiceException']/@code | "
                                "/*/*[local-name()='Exception']/@exceptionCode";
    const json_t *want = json_object_get(a, "ogc_exception");
    ic_xml *x = ic_eval_xml(ev);
    ic_xpath_result r, c;
    ic_outcome o = IC_FAILED;
    char found[200] = "";

    if (!x) {
        char head[40];
        size_t n = ev->resp->body_len < 30 ? ev->resp->body_len : 30;

        for (size_t i = 0; i < n; i++) {
            unsigned char ch = ev->resp->body[i];
            head[i] = ch >= 32 && ch < 127 ? (char)ch : '.';
        }
        head[n] = '\0';
        snprintf(msg, msglen,
                 "expected an OGC exception report, found a non-XML body "
                 "(%s, starts \"%s\")",
                 ic_response_header(ev->resp, "Content-Type")
                     ? ic_response_header(ev->resp, "Content-Type")
                     : "no content type",
                 head);
        return IC_FAILED;
    }
    if (ic_xml_xpath(x, report, &r, msg, msglen) < 0)
        return IC_CANTTELL;
    if (r.count == 0) {
        snprintf(msg, msglen, "expected an OGC exception report");
        ic_xpath_result_dispose(&r);
        return IC_FAILED;
    }
    ic_xpath_result_dispose(&r);
    if (ic_xml_xpath(x, codes, &c, msg, msglen) < 0)
        return IC_CANTTELL;
    for (size_t i = 0; i < c.count; i++) {
        size_t used = strlen(found);

        snprintf(found + used, sizeof(found) - used, "%s%s", i ? ", " : "",
                 c.strings[i]);
        if (json_is_string(want) &&
            strcmp(c.strings[i], json_string_value(want)) == 0)
            o = IC_PASSED;
    }
    if (json_is_true(want))
        o = IC_PASSED;
    if (o != IC_PASSED)
        snprintf(msg, msglen, "expected exception code %s, found %s",
                 json_string_value(want), c.count ? found : "no code");
    ic_xpath_result_dispose(&c);
    return o;
}

ic_outcome
ic_assert_xml_wf(ic_eval *ev, char *msg, size_t msglen)
{
    if (ic_eval_xml(ev))
        return IC_PASSED;
    snprintf(msg, msglen, "%s", ev->xml_err);
    return IC_FAILED;
}
