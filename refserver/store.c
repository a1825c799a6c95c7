#include "config.h"

#include <math.h>
#include <string.h>

#include "error.h"
#include "labels.h"
#include "query.h"
#include "store.h"
#include "util.h"
#include "xmldocs.h"

int
ic_rs_id_valid(const char *id)
{
    size_t i;

    if (!id || !id[0] || strlen(id) > 64)
        return 0;
    for (i = 0; id[i]; i++) {
        char c = id[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9');

        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
            return 0;
    }
    return 1;
}

static int
load_json(json_t **out, const char *path)
{
    json_error_t e;

    *out = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    if (!*out && e.line < 1) /* cannot be read; e.text names the file */
        return ic_error_set(IC_EINPUT, "%s", e.text);
    if (!*out)
        return ic_error_set(IC_EINPUT, "%s:%d:%d: %s", path, e.line, e.column,
                            e.text);
    return 0;
}

/* Grow the bbox with every position under a GeoJSON coordinates value. */
static int
coords_bbox(const json_t *c, double bbox[4], int *has, int depth)
{
    size_t i;
    json_t *v;

    if (depth > 6 || !json_is_array(c))
        return -1;
    if (json_array_size(c) >= 2 && json_is_number(json_array_get(c, 0))) {
        double x = json_number_value(json_array_get(c, 0));
        double y = json_number_value(json_array_get(c, 1));

        if (!json_is_number(json_array_get(c, 1)) || x < -180 || x > 180 ||
            y < -90 || y > 90)
            return -1;
        if (!*has) {
            bbox[0] = bbox[2] = x;
            bbox[1] = bbox[3] = y;
            *has = 1;
        }
        bbox[0] = fmin(bbox[0], x);
        bbox[1] = fmin(bbox[1], y);
        bbox[2] = fmax(bbox[2], x);
        bbox[3] = fmax(bbox[3], y);
        return 0;
    }
    json_array_foreach (c, i, v) {
        if (coords_bbox(v, bbox, has, depth + 1) != 0)
            return -1;
    }
    return 0;
}

static int
load_feature(ic_rs_feature *f, json_t *j, const char *path, size_t idx)
{
    json_t *geom = NULL, *props = NULL, *coords;
    const char *type = NULL, *id = NULL, *dt;
    json_error_t e;

    if (json_unpack_ex(j, &e, 0, "{s:s, s:s, s:o, s:o}", "type", &type, "id",
                       &id, "geometry", &geom, "properties", &props) != 0)
        return ic_error_set(IC_EINPUT, "%s: $.features[%zu]: %s", path, idx,
                            e.text);
    if (strcmp(type, "Feature") != 0 || !json_is_object(props) ||
        !(json_is_object(geom) || json_is_null(geom)))
        return ic_error_set(IC_EINPUT,
                            "%s: $.features[%zu]: not a GeoJSON Feature with "
                            "geometry and properties objects",
                            path, idx);
    if (!ic_rs_id_valid(id))
        return ic_error_set(IC_EINPUT,
                            "%s: $.features[%zu].id: \"%s\" is not a valid "
                            "id ([A-Za-z0-9][A-Za-z0-9._-]*, <= 64 chars)",
                            path, idx, id);
    if (json_is_object(geom)) {
        coords = json_object_get(geom, "coordinates");
        if (!json_is_string(json_object_get(geom, "type")) ||
            coords_bbox(coords, f->bbox, &f->has_bbox, 0) != 0)
            return ic_error_set(IC_EINPUT,
                                "%s: $.features[%zu].geometry: invalid "
                                "coordinates (lon/lat in CRS84 expected)",
                                path, idx);
    }
    dt = json_string_value(json_object_get(props, "datetime"));
    if (json_object_get(props, "datetime")) {
        if (!dt || ic_rs_time_parse(&f->time, dt) != 0)
            return ic_error_set(IC_EINPUT,
                                "%s: $.features[%zu].properties.datetime: "
                                "not an RFC 3339 date-time",
                                path, idx);
        f->has_time = 1;
    }
    f->id = xstrdup(id);
    f->json = json_incref(j);
    return 0;
}

static int
load_collection(ic_rs_store *s, ic_rs_collection *c, json_t *desc,
                const char *dir, size_t idx)
{
    const char *id, *title, *description, *file;
    json_t *root = NULL, *features;
    json_error_t e;
    char *path = NULL;
    size_t i, k, m;
    int rc;

    if (json_unpack_ex(desc, &e, JSON_STRICT, "{s:s, s:s, s:s, s:s}", "id", &id,
                       "title", &title, "description", &description, "file",
                       &file) != 0) {
        rc = ic_error_set(IC_EINPUT, "$.collections[%zu]: %s", idx, e.text);
        goto cleanup;
    }
    if (!ic_rs_id_valid(id)) {
        rc = ic_error_set(IC_EINPUT, "$.collections[%zu].id: invalid id", idx);
        goto cleanup;
    }
    c->id = xstrdup(id);
    c->title = xstrdup(title);
    c->description = xstrdup(description);
    path = ic_path_join(dir, file);
    if ((rc = load_json(&root, path)) != 0)
        goto cleanup;
    features = json_object_get(root, "features");
    if (!json_is_array(features) ||
        strcmp(json_string_value(json_object_get(root, "type"))
                   ? json_string_value(json_object_get(root, "type"))
                   : "",
               "FeatureCollection") != 0) {
        rc = ic_error_set(IC_EINPUT,
                          "%s: not a GeoJSON FeatureCollection with a "
                          "features array",
                          path);
        goto cleanup;
    }
    c->features = xcalloc(json_array_size(features) + 1, sizeof(*c->features));
    for (i = 0; i < json_array_size(features); i++) {
        ic_rs_feature *f = &c->features[i];

        rc = load_feature(f, json_array_get(features, i), path, i);
        c->nfeatures = i + 1;
        if (rc != 0)
            goto cleanup;
        /* ids are unique in the whole store: labels are keyed by id */
        for (k = 0; k <= idx; k++) {
            const ic_rs_collection *o = &s->collections[k];
            size_t n = k == idx ? i : o->nfeatures;

            for (m = 0; m < n; m++)
                if (strcmp(o->features[m].id, f->id) == 0) {
                    rc = ic_error_set(IC_EINPUT,
                                      "%s: $.features[%zu].id: \"%s\" used "
                                      "twice",
                                      path, i, f->id);
                    goto cleanup;
                }
        }
        if (f->has_bbox) {
            if (!c->has_bbox)
                memcpy(c->bbox, f->bbox, sizeof(c->bbox));
            c->has_bbox = 1;
            c->bbox[0] = fmin(c->bbox[0], f->bbox[0]);
            c->bbox[1] = fmin(c->bbox[1], f->bbox[1]);
            c->bbox[2] = fmax(c->bbox[2], f->bbox[2]);
            c->bbox[3] = fmax(c->bbox[3], f->bbox[3]);
        }
    }
    rc = 0;
cleanup:
    json_decref(root);
    free(path);
    return rc;
}

/* Temporal extent: the earliest and latest datetime of the products. */
static void
collection_times(ic_rs_collection *c)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    size_t i;

    for (i = 0; i < c->nfeatures; i++) {
        const ic_rs_feature *f = &c->features[i];
        const char *dt;

        if (!f->has_time)
            continue;
        dt = json_string_value(json_object_get(
            json_object_get(f->json, "properties"), "datetime"));
        if (f->time < lo) {
            lo = f->time;
            c->tmin = dt;
        }
        if (f->time > hi) {
            hi = f->time;
            c->tmax = dt;
        }
    }
}

static int
load_docs(ic_rs_xmldoc **out, size_t *nout, json_t *list, const char *dir,
          const char *what, ic_rs_faults faults)
{
    json_t *item;
    json_error_t e;
    char *path = NULL;
    size_t i, k;
    int rc = 0;

    *out = xcalloc(json_array_size(list) + 1, sizeof(**out));
    json_array_foreach (list, i, item) {
        const char *id = NULL, *title = NULL, *file = NULL;
        ic_rs_xmldoc *d = &(*out)[i];

        if (strcmp(what, "overlays") == 0)
            rc = json_unpack_ex(item, &e, JSON_STRICT, "{s:s, s:s, s:s}", "id",
                                &id, "title", &title, "file", &file);
        else
            rc = json_unpack_ex(item, &e, JSON_STRICT, "{s:s}", "file", &file);
        if (rc != 0) {
            rc = ic_error_set(IC_EINPUT, "$.%s[%zu]: %s", what, i, e.text);
            goto cleanup;
        }
        if (id && !ic_rs_id_valid(id)) {
            rc = ic_error_set(IC_EINPUT, "$.%s[%zu].id: invalid id", what, i);
            goto cleanup;
        }
        free(path);
        path = ic_path_join(dir, file);
        *nout = i + 1;
        rc = id ? ic_rs_overlay_load(d, path, faults)
                : ic_rs_event_load(d, path, faults);
        if (rc != 0)
            goto cleanup;
        if (id) {
            d->id = xstrdup(id);
            d->title = xstrdup(title);
        }
        for (k = 0; k < i; k++)
            if (strcmp((*out)[k].id, d->id) == 0) {
                rc = ic_error_set(IC_EINPUT, "%s: id \"%s\" used twice", path,
                                  d->id);
                goto cleanup;
            }
    }
cleanup:
    free(path);
    return rc;
}

int
ic_rs_store_load(ic_rs_store **out, const char *dir, ic_rs_faults faults)
{
    ic_rs_store *s = xcalloc(1, sizeof(*s));
    json_t *root = NULL, *colls = NULL, *overlays = NULL, *events = NULL;
    const char *title, *description, *nation, *labels, *openapi;
    json_int_t ldef, lmax;
    json_error_t e;
    char *path = ic_path_join(dir, "service.json"), *sub = NULL;
    size_t i;
    int rc;

    s->faults = faults;
    if ((rc = load_json(&root, path)) != 0)
        goto cleanup;
    if (json_unpack_ex(root, &e, JSON_STRICT,
                       "{s:s, s:s, s:s, s:{s:I, s:I}, s:o, s:s, s:s, s:o, "
                       "s:o}",
                       "title", &title, "description", &description, "nation",
                       &nation, "limit", "default", &ldef, "max", &lmax,
                       "collections", &colls, "labels", &labels, "openapi",
                       &openapi, "overlays", &overlays, "events",
                       &events) != 0) {
        rc = ic_error_set(IC_EINPUT, "%s: %s", path, e.text);
        goto cleanup;
    }
    if (ldef < 1 || lmax < ldef || lmax > 10000 || !json_is_array(colls) ||
        !json_is_array(overlays) || !json_is_array(events)) {
        rc = ic_error_set(IC_EINPUT,
                          "%s: need 1 <= limit.default <= limit.max <= 10000 "
                          "and arrays collections, overlays, events",
                          path);
        goto cleanup;
    }
    if (strlen(nation) != 3 ||
        strspn(nation, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3) {
        rc = ic_error_set(IC_EINPUT,
                          "%s: $.nation: not an ISO 3166-1 alpha-3 code", path);
        goto cleanup;
    }
    s->policy.owner = xstrdup(nation);
    s->title = xstrdup(title);
    s->description = xstrdup(description);
    s->limit_default = (unsigned)ldef;
    s->limit_max = (unsigned)lmax;
    s->collections =
        xcalloc(json_array_size(colls) + 1, sizeof(*s->collections));
    for (i = 0; i < json_array_size(colls); i++) {
        s->ncollections = i + 1;
        rc = load_collection(s, &s->collections[i], json_array_get(colls, i),
                             dir, i);
        if (rc == 0 && ic_rs_store_collection(s, s->collections[i].id) !=
                           &s->collections[i])
            rc =
                ic_error_set(IC_EINPUT, "$.collections[%zu].id: used twice", i);
        if (rc != 0) {
            if (strncmp(ic_error_last(), "$.", 2) == 0)
                ic_error_prefix("%s", path);
            goto cleanup;
        }
        collection_times(&s->collections[i]);
    }
    sub = ic_path_join(dir, labels);
    if ((rc = ic_rs_labels_load(s, sub)) != 0)
        goto cleanup;
    free(sub);
    sub = ic_path_join(dir, openapi);
    if ((rc = load_json(&s->openapi, sub)) != 0)
        goto cleanup;
    if (!json_is_object(s->openapi) ||
        !json_is_string(json_object_get(s->openapi, "openapi"))) {
        rc = ic_error_set(IC_EINPUT, "%s: not an OpenAPI document", sub);
        goto cleanup;
    }
    rc = load_docs(&s->overlays, &s->noverlays, overlays, dir, "overlays",
                   faults);
    if (rc == 0)
        rc = load_docs(&s->events, &s->nevents, events, dir, "events", faults);
    if (rc != 0 && strncmp(ic_error_last(), "$.", 2) == 0)
        ic_error_prefix("%s", path);
cleanup:
    json_decref(root);
    free(path);
    free(sub);
    if (rc != 0) {
        ic_rs_store_free(s);
        s = NULL;
    }
    *out = s;
    return rc;
}

void
ic_rs_store_free(ic_rs_store *s)
{
    size_t i, k;

    if (!s)
        return;
    for (i = 0; i < s->ncollections; i++) {
        ic_rs_collection *c = &s->collections[i];

        for (k = 0; k < c->nfeatures; k++) {
            free(c->features[k].id);
            json_decref(c->features[k].json);
            ic_rs_label_free(c->features[k].label);
        }
        free(c->features);
        free(c->id);
        free(c->title);
        free(c->description);
    }
    free(s->collections);
    for (i = 0; i < s->noverlays; i++)
        ic_rs_xmldoc_dispose(&s->overlays[i]);
    free(s->overlays);
    for (i = 0; i < s->nevents; i++)
        ic_rs_xmldoc_dispose(&s->events[i]);
    free(s->events);
    ic_rs_policy_dispose(&s->policy);
    json_decref(s->openapi);
    free(s->title);
    free(s->description);
    free(s);
}

const ic_rs_collection *
ic_rs_store_collection(const ic_rs_store *s, const char *id)
{
    size_t i;

    for (i = 0; i < s->ncollections; i++)
        if (s->collections[i].id && strcmp(s->collections[i].id, id) == 0)
            return &s->collections[i];
    return NULL;
}

const ic_rs_feature *
ic_rs_collection_feature(const ic_rs_collection *c, const char *id)
{
    size_t i;

    for (i = 0; i < c->nfeatures; i++)
        if (c->features[i].id && strcmp(c->features[i].id, id) == 0)
            return &c->features[i];
    return NULL;
}

const ic_rs_xmldoc *
ic_rs_xmldoc_find(const ic_rs_xmldoc *docs, size_t n, const char *id)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (docs[i].id && strcmp(docs[i].id, id) == 0)
            return &docs[i];
    return NULL;
}
