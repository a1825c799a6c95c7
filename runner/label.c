/* The "stanag4774" assertion; see label.h and docs/profiles.md. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "jsonfile.h"
#include "label.h"
#include "util.h"
#include "xml.h"

/* A child element of the label namespace, whatever prefix the document
 * uses: the suite's XPath picks the label, this module reads inside it. */
#define EL(name)                                                               \
    "*[local-name()='" name "' and namespace-uri()='" IC_LABEL_NS "']"

static const char *const category_types[] = {"PERMISSIVE", "RESTRICTIVE",
                                             "INFORMATIVE", NULL};

/* ---- small string sets ------------------------------------------------- */

typedef struct strset {
    char **v; /* owned */
    size_t n;
} strset;

static int
set_has(const strset *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], x) == 0)
            return 1;
    return 0;
}

static void
set_add(strset *s, const char *x)
{
    if (set_has(s, x))
        return;
    s->v = xrealloc(s->v, (s->n + 1) * sizeof(char *));
    s->v[s->n++] = xstrdup(x);
}

static void
set_dispose(strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

/* Keep only the members of s that are also in other. */
static void
set_intersect(strset *s, const strset *other)
{
    size_t w = 0;

    for (size_t i = 0; i < s->n; i++) {
        if (set_has(other, s->v[i]))
            s->v[w++] = s->v[i];
        else
            free(s->v[i]);
    }
    s->n = w;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static json_t *
set_json(strset *s)
{
    json_t *arr = json_array();

    if (s->n)
        qsort(s->v, s->n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < s->n; i++)
        json_array_append_new(arr, json_string(s->v[i]));
    return arr;
}

static int
in_array(const json_t *arr, const char *x)
{
    size_t i;
    json_t *v;

    json_array_foreach (arr, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), x) == 0)
            return 1;
    }
    return 0;
}

/* ---- the policy ---------------------------------------------------------- */

static int
string_array(const json_t *v, int allow_empty)
{
    size_t i;
    json_t *item;

    if (!json_is_array(v) || (!allow_empty && json_array_size(v) == 0))
        return 0;
    json_array_foreach (v, i, item) {
        if (!json_is_string(item))
            return 0;
    }
    return 1;
}

static int
is_alpha3(const char *s)
{
    return strlen(s) == 3 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 3;
}

int
ic_label_policy_check(const json_t *p, char *err, size_t errlen)
{
    static const char *const keys[] = {
        "name",    "uri",    "classifications", "categories",
        "nations", "groups", "default_release", NULL};
    const json_t *v, *c;
    const char *key;
    size_t i;

    if (!json_is_object(p)) {
        snprintf(err, errlen, "the policy is not an object");
        return -1;
    }
    json_object_foreach ((json_t *)p, key, v) {
        for (i = 0; keys[i] && strcmp(keys[i], key) != 0; i++)
            ;
        if (!keys[i]) {
            snprintf(err, errlen, "unknown policy key \"%s\"", key);
            return -1;
        }
    }
    if (!json_is_string(json_object_get(p, "name"))) {
        snprintf(err, errlen, "the policy needs a \"name\"");
        return -1;
    }
    if ((v = json_object_get(p, "uri")) && !json_is_string(v)) {
        snprintf(err, errlen, "the policy's \"uri\" must be a string");
        return -1;
    }
    if (!string_array(json_object_get(p, "classifications"), 0)) {
        snprintf(err, errlen,
                 "the policy needs \"classifications\" "
                 "(a list of strings)");
        return -1;
    }
    if ((v = json_object_get(p, "nations"))) {
        json_t *n;

        if (!string_array(v, 0)) {
            snprintf(err, errlen,
                     "the policy's \"nations\" must be a list "
                     "of strings");
            return -1;
        }
        json_array_foreach (v, i, n) {
            if (!is_alpha3(json_string_value(n))) {
                snprintf(err, errlen,
                         "policy nation \"%s\" is not an ISO 3166-1 "
                         "alpha-3 code",
                         json_string_value(n));
                return -1;
            }
        }
    }
    if ((v = json_object_get(p, "groups")) && !json_is_object(v)) {
        snprintf(err, errlen, "the policy's \"groups\" must be an object");
        return -1;
    }
    json_object_foreach ((json_t *)v, key, c) {
        if (!string_array(c, 1)) {
            snprintf(err, errlen,
                     "policy group \"%s\" must be a list of nations", key);
            return -1;
        }
    }
    if ((v = json_object_get(p, "default_release")) && !string_array(v, 1)) {
        snprintf(err, errlen,
                 "the policy's \"default_release\" must be a "
                 "list of nations or groups");
        return -1;
    }
    if (!json_is_object(json_object_get(p, "categories"))) {
        snprintf(err, errlen,
                 "the policy needs \"categories\" (tag name → "
                 "{type, values?})");
        return -1;
    }
    json_object_foreach (json_object_get(p, "categories"), key, c) {
        const char *type = json_string_value(json_object_get(c, "type"));
        const json_t *values = json_object_get(c, "values");

        for (i = 0; type && category_types[i]; i++)
            if (strcmp(type, category_types[i]) == 0)
                break;
        if (!json_is_object(c) || !type || !category_types[i]) {
            snprintf(err, errlen,
                     "policy category \"%s\" needs a \"type\" (PERMISSIVE, "
                     "RESTRICTIVE or INFORMATIVE)",
                     key);
            return -1;
        }
        if (values && !string_array(values, 0) &&
            !(json_is_string(values) &&
              strcmp(json_string_value(values), "nations") == 0)) {
            snprintf(err, errlen,
                     "policy category \"%s\": \"values\" is \"nations\" or "
                     "a list of strings",
                     key);
            return -1;
        }
    }
    return 0;
}

static int
nation_valued(const json_t *policy, const char *tag)
{
    const json_t *c =
        json_object_get(json_object_get(policy, "categories"), tag);
    const json_t *values = json_object_get(c, "values");

    return json_is_string(values) &&
           strcmp(json_string_value(values), "nations") == 0;
}

/* Add the nations value stands for: a group's members, or the code. */
static void
expand_nation(strset *out, const json_t *policy, const char *value)
{
    const json_t *group =
        json_object_get(json_object_get(policy, "groups"), value);
    size_t i;
    json_t *n;

    if (!group) {
        set_add(out, value);
        return;
    }
    json_array_foreach (group, i, n) {
        set_add(out, json_string_value(n));
    }
}

/* The nations releasability is computed over. */
static void
universe(strset *out, const json_t *policy)
{
    const char *key;
    json_t *v, *n;
    size_t i;

    json_array_foreach (json_object_get(policy, "nations"), i, n) {
        set_add(out, json_string_value(n));
    }
    if (json_object_get(policy, "nations"))
        return;
    json_object_foreach (json_object_get(policy, "groups"), key, v) {
        json_array_foreach (v, i, n) {
            set_add(out, json_string_value(n));
        }
    }
}

static int
valid_nation(const json_t *policy, const char *value)
{
    const json_t *nations = json_object_get(policy, "nations");

    if (json_object_get(json_object_get(policy, "groups"), value))
        return 1;
    return is_alpha3(value) && (!nations || in_array(nations, value));
}

/* ---- reading a label ----------------------------------------------------- */

static int query(ic_xml *x, ic_xpath_result *r, char *msg, size_t msglen,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
query(ic_xml *x, ic_xpath_result *r, char *msg, size_t msglen, const char *fmt,
      ...)
{
    va_list ap, aq;
    char *expr;
    int n, rc;

    va_start(ap, fmt);
    va_copy(aq, ap);
    n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    expr = xmalloc((size_t)n + 1);
    vsnprintf(expr, (size_t)n + 1, fmt, ap);
    va_end(ap);
    rc = ic_xml_xpath(x, expr, r, msg, msglen);
    free(expr);
    return rc;
}

typedef struct label {
    char *policy;         /* owned: PolicyIdentifier text */
    char *classification; /* owned */
    char *originator;     /* owned or NULL */
    strset releasable;
} label;

static void
label_dispose(label *l)
{
    free(l->policy);
    free(l->classification);
    free(l->originator);
    set_dispose(&l->releasable);
}

/* Check one category (the XPath ci selects its ConfidentialityInformation,
 * j counts from 1) and fold its nations into rel. */
static ic_outcome
check_category(ic_xml *x, const char *ci, size_t j, const json_t *policy,
               strset *rel, int *restricted, char *msg, size_t msglen)
{
    const json_t *pc;
    ic_xpath_result tag = {0}, type = {0}, vals = {0};
    ic_outcome o = IC_FAILED;
    const char *pname = json_string_value(json_object_get(policy, "name"));
    strset s = {0};
    size_t i;

    if (query(x, &tag, msg, msglen,
              "string((%s/" EL("Category") ")[%zu]/@TagName)", ci, j) < 0 ||
        query(x, &type, msg, msglen,
              "string((%s/" EL("Category") ")[%zu]/@Type)", ci, j) < 0 ||
        query(x, &vals, msg, msglen,
              "(%s/" EL("Category") ")[%zu]/" EL("GenericValue"), ci, j) < 0) {
        o = IC_CANTTELL;
        goto cleanup;
    }
    if (!*tag.string) {
        snprintf(msg, msglen, "Category %zu has no TagName", j);
        goto cleanup;
    }
    for (i = 0; category_types[i]; i++)
        if (strcmp(type.string, category_types[i]) == 0)
            break;
    if (!category_types[i]) {
        snprintf(msg, msglen,
                 "Category \"%s\": Type \"%s\" is not PERMISSIVE, RESTRICTIVE "
                 "or INFORMATIVE",
                 tag.string, type.string);
        goto cleanup;
    }
    if (vals.count == 0) {
        snprintf(msg, msglen, "Category \"%s\" has no GenericValue",
                 tag.string);
        goto cleanup;
    }
    pc = json_object_get(json_object_get(policy, "categories"), tag.string);
    if (!pc) {
        snprintf(msg, msglen, "Category \"%s\" is not defined by policy %s",
                 tag.string, pname);
        goto cleanup;
    }
    if (strcmp(json_string_value(json_object_get(pc, "type")), type.string)) {
        snprintf(msg, msglen,
                 "Category \"%s\" is %s, policy %s defines it as %s",
                 tag.string, type.string, pname,
                 json_string_value(json_object_get(pc, "type")));
        goto cleanup;
    }
    for (i = 0; i < vals.count; i++) {
        const char *v = vals.strings[i];
        const json_t *allowed = json_object_get(pc, "values");

        if (nation_valued(policy, tag.string) && !valid_nation(policy, v)) {
            snprintf(msg, msglen,
                     "Category \"%s\": \"%s\" is neither an ISO 3166-1 "
                     "alpha-3 nation code nor a group of policy %s",
                     tag.string, v, pname);
            goto cleanup;
        }
        if (json_is_array(allowed) && !in_array(allowed, v)) {
            snprintf(msg, msglen,
                     "Category \"%s\": value \"%s\" is not defined by "
                     "policy %s",
                     tag.string, v, pname);
            goto cleanup;
        }
    }
    o = IC_PASSED;
    if (!nation_valued(policy, tag.string) ||
        strcmp(type.string, "INFORMATIVE") == 0)
        goto cleanup;
    /* A recipient needs one permissive value (OR) and every restrictive
     * value (AND) of a category; categories combine with AND. */
    for (i = 0; i < vals.count; i++) {
        strset one = {0};

        expand_nation(&one, policy, vals.strings[i]);
        if (strcmp(type.string, "PERMISSIVE") == 0) {
            for (size_t k = 0; k < one.n; k++)
                set_add(&s, one.v[k]);
        } else if (i == 0) {
            for (size_t k = 0; k < one.n; k++)
                set_add(&s, one.v[k]);
        } else {
            set_intersect(&s, &one);
        }
        set_dispose(&one);
    }
    set_intersect(rel, &s);
    *restricted = 1;
cleanup:
    set_dispose(&s);
    ic_xpath_result_dispose(&tag);
    ic_xpath_result_dispose(&type);
    ic_xpath_result_dispose(&vals);
    return o;
}

/* Read and check the k-th label (from 1) that sel selects. */
static ic_outcome
read_label(ic_xml *x, const char *sel, size_t k, const json_t *policy, label *l,
           char *msg, size_t msglen)
{
    const char *pname = json_string_value(json_object_get(policy, "name"));
    const char *puri = json_string_value(json_object_get(policy, "uri"));
    ic_xpath_result r = {0};
    ic_outcome o = IC_FAILED;
    char *ci = NULL;
    size_t ncat, i;
    int restricted = 0;

    memset(l, 0, sizeof(*l));
    ci = xasprintf("((%s)[%zu]/descendant-or-self::" EL(
                       "ConfidentialityInformation") ")[1]",
                   sel, k);
    if (query(x, &r, msg, msglen, "%s", ci) < 0)
        goto cantell;
    if (r.count == 0) {
        snprintf(msg, msglen, "label %zu has no ConfidentialityInformation", k);
        goto cleanup;
    }
    ic_xpath_result_dispose(&r);

    if (query(x, &r, msg, msglen, "%s/" EL("PolicyIdentifier"), ci) < 0)
        goto cantell;
    if (r.count == 0) {
        snprintf(msg, msglen, "label %zu has no PolicyIdentifier", k);
        goto cleanup;
    }
    if (r.count > 1 || !*r.strings[0]) {
        snprintf(msg, msglen,
                 "label %zu needs one non-empty PolicyIdentifier, found %zu", k,
                 r.count);
        goto cleanup;
    }
    l->policy = xstrdup(r.strings[0]);
    ic_xpath_result_dispose(&r);
    if (strcmp(l->policy, pname) != 0) {
        snprintf(msg, msglen, "label policy \"%s\", expected policy \"%s\"",
                 l->policy, pname);
        goto cleanup;
    }
    if (query(x, &r, msg, msglen, "string(%s/" EL("PolicyIdentifier") "/@URI)",
              ci) < 0)
        goto cantell;
    if (puri && *r.string && strcmp(r.string, puri) != 0) {
        snprintf(msg, msglen,
                 "PolicyIdentifier URI \"%s\", policy %s is \"%s\"", r.string,
                 pname, puri);
        goto cleanup;
    }
    ic_xpath_result_dispose(&r);

    if (query(x, &r, msg, msglen, "%s/" EL("Classification"), ci) < 0)
        goto cantell;
    if (r.count != 1) {
        snprintf(msg, msglen, "label %zu has %zu Classification elements", k,
                 r.count);
        goto cleanup;
    }
    l->classification = xstrdup(r.strings[0]);
    ic_xpath_result_dispose(&r);
    if (!in_array(json_object_get(policy, "classifications"),
                  l->classification)) {
        snprintf(msg, msglen,
                 "Classification \"%s\" is not defined by policy %s",
                 l->classification, pname);
        goto cleanup;
    }

    if (query(x, &r, msg, msglen, "%s/parent::*/" EL("OriginatorID"), ci) < 0)
        goto cantell;
    if (r.count > 0 && *r.strings[0])
        l->originator = xstrdup(r.strings[0]);
    ic_xpath_result_dispose(&r);

    if (query(x, &r, msg, msglen, "%s/" EL("Category"), ci) < 0)
        goto cantell;
    ncat = r.count;
    ic_xpath_result_dispose(&r);
    universe(&l->releasable, policy);
    for (i = 1; i <= ncat; i++) {
        o = check_category(x, ci, i, policy, &l->releasable, &restricted, msg,
                           msglen);
        if (o != IC_PASSED)
            goto cleanup;
    }
    if (!restricted && json_object_get(policy, "default_release")) {
        strset d = {0};
        json_t *v;

        json_array_foreach (json_object_get(policy, "default_release"), i, v) {
            expand_nation(&d, policy, json_string_value(v));
        }
        set_intersect(&l->releasable, &d);
        set_dispose(&d);
    }
    o = IC_PASSED;
    goto cleanup;
cantell:
    o = IC_CANTTELL;
cleanup:
    ic_xpath_result_dispose(&r);
    free(ci);
    return o;
}

static json_t *
label_json(label *l)
{
    json_t *o =
        json_pack("{s:s, s:s, s:o, s:b}", "policy", l->policy, "classification",
                  l->classification, "releasable_to", set_json(&l->releasable),
                  "national_only", l->releasable.n <= 1);

    if (l->originator)
        json_object_set_new(o, "originator", json_string(l->originator));
    return o;
}

/* The nations "releasable_to" lists: an array, or a string separated by
 * commas or spaces (a list parameter expands to "a,b,c"). */
static void
wanted_nations(strset *out, const json_t *v, const json_t *policy)
{
    size_t i;
    json_t *item;

    if (json_is_array(v)) {
        json_array_foreach (v, i, item) {
            if (json_is_string(item))
                expand_nation(out, policy, json_string_value(item));
        }
        return;
    }
    if (!json_is_string(v))
        return;
    for (const char *p = json_string_value(v); *p;) {
        size_t n;

        p += strspn(p, ", \t");
        n = strcspn(p, ", \t");
        if (n) {
            char *one = xstrndup(p, n);

            expand_nation(out, policy, one);
            free(one);
        }
        p += n;
    }
}

static ic_outcome
check_release(const label *l, const strset *want, size_t k, char *msg,
              size_t msglen)
{
    ic_buf missing, has;
    ic_outcome o = IC_PASSED;

    ic_buf_init(&missing, 0);
    ic_buf_init(&has, 0);
    for (size_t i = 0; i < want->n; i++)
        if (!set_has(&l->releasable, want->v[i]))
            ic_buf_appendf(&missing, "%s%s", missing.len ? ", " : "",
                           want->v[i]);
    if (missing.len) {
        for (size_t i = 0; i < l->releasable.n && i < 12; i++)
            ic_buf_appendf(&has, "%s%s", i ? ", " : "", l->releasable.v[i]);
        if (l->releasable.n > 12)
            ic_buf_appendf(&has, ", ...");
        snprintf(msg, msglen,
                 "label %zu is not releasable to %s (releasable to %s)", k,
                 missing.data, l->releasable.n ? has.data : "no nation");
        o = IC_FAILED;
    }
    ic_buf_dispose(&missing);
    ic_buf_dispose(&has);
    return o;
}

ic_outcome
ic_label_eval(ic_eval *ev, const json_t *a, char *msg, size_t msglen)
{
    const char *sel = json_string_value(json_object_get(a, "stanag4774"));
    const char *pname = json_string_value(json_object_get(a, "policy"));
    const json_t *policy = ev->scope ? ic_scope_lookup(ev->scope, pname) : NULL;
    const json_t *want_v = json_object_get(a, "releasable_to");
    json_t *all = json_array();
    strset want = {0};
    ic_xpath_result r = {0};
    ic_outcome o = IC_PASSED;
    char err[300];
    ic_xml *x;
    size_t n = 0;

    if (!policy) {
        snprintf(msg, msglen,
                 "security policy \"%s\" is not defined (a profile or suite "
                 "parameter)",
                 pname);
        o = IC_CANTTELL;
        goto cleanup;
    }
    if (ic_label_policy_check(policy, err, sizeof(err)) < 0) {
        snprintf(msg, msglen, "security policy \"%s\": %s", pname, err);
        o = IC_CANTTELL;
        goto cleanup;
    }
    if (!(x = ic_eval_xml(ev))) {
        snprintf(msg, msglen, "%s", ev->xml_err);
        o = IC_FAILED;
        goto cleanup;
    }
    if (ic_xml_xpath(x, sel, &r, msg, msglen) < 0) {
        o = IC_CANTTELL;
        goto cleanup;
    }
    if (r.type != IC_XPATH_NODESET) {
        snprintf(msg, msglen, "%s does not select elements", sel);
        o = IC_CANTTELL;
        goto cleanup;
    }
    n = r.count;
    if (n == 0) {
        snprintf(msg, msglen, "%s: no confidentiality label", sel);
        o = IC_FAILED;
        goto cleanup;
    }
    wanted_nations(&want, want_v, policy);
    for (size_t k = 1; k <= n && o == IC_PASSED; k++) {
        label l;

        o = read_label(x, sel, k, policy, &l, msg, msglen);
        if (o == IC_PASSED) {
            json_array_append_new(all, label_json(&l));
            o = check_release(&l, &want, k, msg, msglen);
        }
        label_dispose(&l);
    }
    if (ev->annotations && json_array_size(all) > 0) {
        json_object_set(ev->annotations, "label", json_array_get(all, 0));
        if (json_array_size(all) > 1)
            json_object_set(ev->annotations, "labels", all);
    }
cleanup:
    set_dispose(&want);
    ic_xpath_result_dispose(&r);
    json_decref(all);
    return o;
}

/* ---- load-time check ----------------------------------------------------- */

int
ic_label_check(const json_t *a, const char *file, const char *path)
{
    static const char *const keys[] = {"stanag4774", "policy", "releasable_to",
                                       "why", NULL};
    const json_t *sel = json_object_get(a, "stanag4774");
    const json_t *pol = json_object_get(a, "policy");
    const json_t *rel = json_object_get(a, "releasable_to");
    char err[300];

    if (ic_json_only_keys(a, file, path, keys) < 0)
        return IC_EINPUT;
    if (!json_is_string(sel) || !*json_string_value(sel))
        return ic_json_error(file, path,
                             "\"stanag4774\" must be an XPath selecting the "
                             "label elements");
    if (ic_template_check(json_string_value(sel), err, sizeof(err)) < 0)
        return ic_json_error(file, path, "\"stanag4774\": %s", err);
    if (!json_is_string(pol) || !*json_string_value(pol) ||
        strspn(json_string_value(pol),
               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
               "0123456789_.-") != strlen(json_string_value(pol)))
        return ic_json_error(file, path,
                             "\"policy\" must name the parameter holding the "
                             "security policy (not a template)");
    if (!rel)
        return IC_OK;
    if (json_is_string(rel)) {
        if (ic_template_check(json_string_value(rel), err, sizeof(err)) < 0)
            return ic_json_error(file, path, "\"releasable_to\": %s", err);
        return IC_OK;
    }
    if (!string_array(rel, 1))
        return ic_json_error(file, path,
                             "\"releasable_to\" must be a string or a list "
                             "of nation codes");
    return IC_OK;
}
