#include "config.h"

#include <string.h>

#include "error.h"
#include "labels.h"
#include "query.h"

static const char *const category_types[] = {"PERMISSIVE", "RESTRICTIVE",
                                             "INFORMATIVE", NULL};

void
ic_rs_label_free(ic_rs_label *l)
{
    size_t i, k;

    if (!l)
        return;
    for (i = 0; i < l->ncategories; i++) {
        for (k = 0; k < l->categories[i].nvalues; k++)
            free(l->categories[i].values[k]);
        free(l->categories[i].values);
        free(l->categories[i].tag);
        free(l->categories[i].type);
    }
    free(l->categories);
    free(l->classification);
    free(l->created);
    free(l->review);
    free(l);
}

void
ic_rs_policy_dispose(ic_rs_policy *p)
{
    free(p->name);
    free(p->uri);
    free(p->owner);
    free(p->originator_type);
    free(p->originator_id);
    memset(p, 0, sizeof(*p));
}

static int
in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

static int
string_in_array(const char *s, const json_t *a)
{
    size_t i;
    json_t *v;

    json_array_foreach (a, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return 1;
    }
    return 0;
}

static int
nation_code(const char *v)
{
    return strcmp(v, "NATO") == 0 ||
           (strlen(v) == 3 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 3);
}

static int
load_category(ic_rs_category *c, json_t *j, const json_t *policy_cats,
              const char *at)
{
    const char *tag, *type, *ptype;
    json_t *values, *v;
    json_error_t e;
    size_t i;

    if (json_unpack_ex(j, &e, JSON_STRICT, "{s:s, s:s, s:o}", "tag", &tag,
                       "type", &type, "values", &values) != 0)
        return ic_error_set(IC_EINPUT, "%s: %s", at, e.text);
    ptype = json_string_value(json_object_get(policy_cats, tag));
    if (!in_list(type, category_types))
        return ic_error_set(IC_EINPUT,
                            "%s.type: \"%s\" is not PERMISSIVE, RESTRICTIVE "
                            "or INFORMATIVE",
                            at, type);
    if (!ptype || strcmp(ptype, type) != 0)
        return ic_error_set(IC_EINPUT,
                            "%s: category \"%s\" (%s) is not in the policy", at,
                            tag, type);
    if (!json_is_array(values) || json_array_size(values) == 0)
        return ic_error_set(IC_EINPUT, "%s.values: a non-empty array needed",
                            at);
    c->tag = xstrdup(tag);
    c->type = xstrdup(type);
    c->values = xcalloc(json_array_size(values), sizeof(char *));
    json_array_foreach (values, i, v) {
        const char *s = json_string_value(v);

        if (!s || !*s || (strcmp(tag, "Releasable To") == 0 && !nation_code(s)))
            return ic_error_set(IC_EINPUT,
                                "%s.values[%zu]: not a value of \"%s\" "
                                "(Releasable To takes NATO or ISO 3166-1 "
                                "alpha-3 codes)",
                                at, i, tag);
        c->values[i] = xstrdup(s);
        c->nvalues = i + 1;
    }
    return 0;
}

static int
load_label(ic_rs_label **out, json_t *j, const json_t *classes,
           const json_t *policy_cats, const char *at)
{
    ic_rs_label *l = xcalloc(1, sizeof(*l));
    const char *cls, *created, *review;
    json_t *cats, *c;
    json_error_t e;
    double t;
    size_t i;
    char *sub;
    int rc;

    if (json_unpack_ex(j, &e, JSON_STRICT, "{s:s, s:o, s:s, s:s}",
                       "classification", &cls, "categories", &cats, "created",
                       &created, "review", &review) != 0) {
        rc = ic_error_set(IC_EINPUT, "%s: %s", at, e.text);
        goto cleanup;
    }
    if (!string_in_array(cls, classes)) {
        rc = ic_error_set(IC_EINPUT,
                          "%s.classification: \"%s\" is not a classification "
                          "of the policy",
                          at, cls);
        goto cleanup;
    }
    if (ic_rs_time_parse(&t, created) != 0 ||
        ic_rs_time_parse(&t, review) != 0) {
        rc = ic_error_set(IC_EINPUT,
                          "%s: created and review must be RFC 3339 "
                          "date-times",
                          at);
        goto cleanup;
    }
    if (!json_is_array(cats)) {
        rc = ic_error_set(IC_EINPUT, "%s.categories: an array needed", at);
        goto cleanup;
    }
    l->classification = xstrdup(cls);
    l->created = xstrdup(created);
    l->review = xstrdup(review);
    l->categories = xcalloc(json_array_size(cats) + 1, sizeof(*l->categories));
    json_array_foreach (cats, i, c) {
        sub = xasprintf("%s.categories[%zu]", at, i);
        l->ncategories = i + 1;
        rc = load_category(&l->categories[i], c, policy_cats, sub);
        free(sub);
        if (rc != 0)
            goto cleanup;
    }
    rc = 0;
cleanup:
    if (rc != 0) {
        ic_rs_label_free(l);
        l = NULL;
    }
    *out = l;
    return rc;
}

static ic_rs_feature *
find_product(ic_rs_store *s, const char *id)
{
    size_t i, k;

    for (i = 0; i < s->ncollections; i++)
        for (k = 0; k < s->collections[i].nfeatures; k++)
            if (strcmp(s->collections[i].features[k].id, id) == 0)
                return &s->collections[i].features[k];
    return NULL;
}

int
ic_rs_labels_load(ic_rs_store *s, const char *path)
{
    json_t *root = NULL, *classes, *cats, *labels, *orig = NULL, *v;
    const char *name, *uri, *id;
    json_error_t e;
    size_t i, k;
    char *at;
    int rc;

    root = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    if (!root) {
        if (e.line < 1) /* cannot be read; e.text names the file */
            rc = ic_error_set(IC_EINPUT, "%s", e.text);
        else
            rc = ic_error_set(IC_EINPUT, "%s:%d:%d: %s", path, e.line, e.column,
                              e.text);
        goto cleanup;
    }
    if (json_unpack_ex(
            root, &e, JSON_STRICT, "{s:{s:s, s:s, s:o, s:o}, s?o, s:o}",
            "policy", "name", &name, "uri", &uri, "classifications", &classes,
            "categories", &cats, "originator", &orig, "labels", &labels) != 0) {
        rc = ic_error_set(IC_EINPUT, "%s: %s", path, e.text);
        goto cleanup;
    }
    if (!json_is_array(classes) || !json_is_object(cats) ||
        !json_is_object(labels) || strncmp(uri, "urn:oid:", 8) != 0) {
        rc = ic_error_set(IC_EINPUT,
                          "%s: $.policy needs a urn:oid: uri, a "
                          "classifications array and a categories object, "
                          "and $.labels an object",
                          path);
        goto cleanup;
    }
    s->policy.name = xstrdup(name);
    s->policy.uri = xstrdup(uri);
    if (orig) {
        const char *type, *oid;

        if (json_unpack_ex(orig, &e, JSON_STRICT, "{s:s, s:s}", "type", &type,
                           "id", &oid) != 0) {
            rc = ic_error_set(IC_EINPUT, "%s: $.originator: %s", path, e.text);
            goto cleanup;
        }
        s->policy.originator_type = xstrdup(type);
        s->policy.originator_id = xstrdup(oid);
    }
    json_object_foreach (labels, id, v) {
        ic_rs_feature *f = find_product(s, id);

        if (!f) {
            rc = ic_error_set(IC_EINPUT,
                              "%s: $.labels.%s: no product with this id", path,
                              id);
            goto cleanup;
        }
        at = xasprintf("%s: $.labels.%s", path, id);
        rc = load_label(&f->label, v, classes, cats, at);
        free(at);
        if (rc != 0)
            goto cleanup;
    }
    for (i = 0; i < s->ncollections; i++)
        for (k = 0; k < s->collections[i].nfeatures; k++)
            if (!s->collections[i].features[k].label) {
                rc = ic_error_set(IC_EINPUT,
                                  "%s: $.labels: product \"%s\" has no label",
                                  path, s->collections[i].features[k].id);
                goto cleanup;
            }
    rc = 0;
cleanup:
    json_decref(root);
    return rc;
}

const ic_rs_label *
ic_rs_product_label(const ic_rs_store *s, const ic_rs_collection *c,
                    const ic_rs_feature *f)
{
    if ((s->faults & IC_RS_F_UNLABELLED_PRODUCT) && c->nfeatures > 0 &&
        f == &c->features[0])
        return NULL;
    return f->label;
}

static void
xml_escape(ic_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            ic_buf_appendf(b, "&amp;");
            break;
        case '<':
            ic_buf_appendf(b, "&lt;");
            break;
        case '>':
            ic_buf_appendf(b, "&gt;");
            break;
        case '"':
            ic_buf_appendf(b, "&quot;");
            break;
        default:
            ic_buf_append(b, s, 1);
        }
    }
}

/* Element <slab:NAME>text</slab:NAME> on its own line. */
static void
text_element(ic_buf *b, const char *indent, const char *name, const char *text)
{
    ic_buf_appendf(b, "%s<slab:%s>", indent, name);
    xml_escape(b, text);
    ic_buf_appendf(b, "</slab:%s>\n", name);
}

static void
write_category(ic_buf *b, const char *ind, const char *tag, const char *type,
               const char *const *values, size_t n)
{
    char inner[64];
    size_t i;

    ic_buf_appendf(b, "%s    <slab:Category TagName=\"", ind);
    xml_escape(b, tag);
    ic_buf_appendf(b, "\" Type=\"%s\">\n", type);
    snprintf(inner, sizeof(inner), "%s      ", ind);
    for (i = 0; i < n; i++)
        text_element(b, inner, "GenericValue", values[i]);
    ic_buf_appendf(b, "%s    </slab:Category>\n", ind);
}

/* The label element; classification overrides the label's when not NULL. */
static void
write_label(ic_buf *b, const ic_rs_store *s, const ic_rs_label *l,
            const char *ind, const char *classification)
{
    const char *owner[1] = {s->policy.owner};
    int national = (s->faults & IC_RS_F_NATIONAL_ONLY_LABEL) != 0;
    int has_release = 0;
    char inner[64];
    size_t i;

    snprintf(inner, sizeof(inner), "%s    ", ind);
    ic_buf_appendf(b,
                   "%s<slab:originatorConfidentialityLabel "
                   "xmlns:slab=\"" IC_RS_NS_4774 "\"\n%s    ReviewDateTime=\"",
                   ind, ind);
    xml_escape(b, l->review);
    ic_buf_appendf(b, "\">\n%s  <slab:ConfidentialityInformation>\n", ind);
    if (!(s->faults & IC_RS_F_LABEL_MISSING_POLICY)) {
        ic_buf_appendf(b, "%s<slab:PolicyIdentifier URI=\"", inner);
        xml_escape(b, s->policy.uri);
        ic_buf_appendf(b, "\">");
        xml_escape(b, s->policy.name);
        ic_buf_appendf(b, "</slab:PolicyIdentifier>\n");
    }
    if (!classification)
        classification = (s->faults & IC_RS_F_INVALID_LABEL_VALUE)
                             ? "SECRETISH"
                             : l->classification;
    text_element(b, inner, "Classification", classification);
    for (i = 0; i < l->ncategories; i++) {
        const ic_rs_category *c = &l->categories[i];

        if (strcmp(c->tag, "Releasable To") == 0) {
            has_release = 1;
            if (national) {
                write_category(b, ind, c->tag, c->type, owner, 1);
                continue;
            }
        }
        write_category(b, ind, c->tag, c->type, (const char *const *)c->values,
                       c->nvalues);
    }
    if (national && !has_release)
        write_category(b, ind, "Releasable To", "PERMISSIVE", owner, 1);
    ic_buf_appendf(b, "%s  </slab:ConfidentialityInformation>\n", ind);
    if (s->policy.originator_id) {
        ic_buf_appendf(b, "%s  <slab:OriginatorID IDType=\"", ind);
        xml_escape(b, s->policy.originator_type);
        ic_buf_appendf(b, "\">");
        xml_escape(b, s->policy.originator_id);
        ic_buf_appendf(b, "</slab:OriginatorID>\n");
    }
    if (!(s->faults & IC_RS_F_LABEL_MISSING_CREATION)) {
        snprintf(inner, sizeof(inner), "%s  ", ind);
        text_element(b, inner, "CreationDateTime", l->created);
    }
    ic_buf_appendf(b, "%s</slab:originatorConfidentialityLabel>\n", ind);
}

void
ic_rs_label_xml(ic_buf *b, const ic_rs_store *s, const ic_rs_label *l)
{
    ic_buf_appendf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    write_label(b, s, l, "", NULL);
}

void
ic_rs_binding_xml(ic_buf *b, const ic_rs_store *s, const ic_rs_collection *c,
                  const ic_rs_feature *f, const ic_rs_label *l,
                  const char *base)
{
    const char *cls = NULL;

    if (s->faults & IC_RS_F_BINDING_LABEL_MISMATCH)
        cls = strcmp(l->classification, "UNCLASSIFIED") == 0 ? "SECRET"
                                                             : "UNCLASSIFIED";
    ic_buf_appendf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    ic_buf_appendf(b,
                   "<mb:BindingInformation xmlns:mb=\"" IC_RS_NS_4778 "\"\n"
                   "    xmlns:xmime=\"http://www.w3.org/2005/05/xmlmime\">\n"
                   "  <mb:MetadataBindingContainer>\n"
                   "    <mb:MetadataBinding Id=\"mb-%s\">\n"
                   "      <mb:Metadata>\n",
                   f->id);
    write_label(b, s, l, "        ", cls);
    ic_buf_appendf(b, "      </mb:Metadata>\n"
                      "      <mb:DataReference URI=\"");
    xml_escape(b, base);
    ic_buf_appendf(b, "/collections/%s/items/%s%s\"\n", c->id, f->id,
                   (s->faults & IC_RS_F_BINDING_DANGLING_REF) ? "-withdrawn"
                                                              : "");
    ic_buf_appendf(b, "          xmime:contentType=\"application/geo+json\"/>\n"
                      "    </mb:MetadataBinding>\n"
                      "  </mb:MetadataBindingContainer>\n"
                      "</mb:BindingInformation>\n");
}
