/*
 * store — the server's data, loaded once from the data folder and read-only
 * afterwards (so any thread may read it): service description, collections
 * of products (GeoJSON features), labels, NVG overlays and CoT events.
 */
#ifndef IC_RS_STORE_H
#define IC_RS_STORE_H

#include <stddef.h>

#include <jansson.h>

#include "faults.h"

typedef struct ic_rs_category {
    char *tag;  /* TagName, e.g. "Releasable To" */
    char *type; /* PERMISSIVE, RESTRICTIVE or INFORMATIVE */
    char **values;
    size_t nvalues;
} ic_rs_category;

typedef struct ic_rs_label {
    char *classification;
    ic_rs_category *categories;
    size_t ncategories;
    char *created; /* RFC 3339 */
    char *review;  /* RFC 3339 */
} ic_rs_label;

typedef struct ic_rs_policy {
    char *name; /* PolicyIdentifier */
    char *uri;  /* urn:oid:... */
    char *owner;
    char *originator_type; /* OriginatorID/@IDType, NULL if none */
    char *originator_id;
} ic_rs_policy;

typedef struct ic_rs_feature {
    char *id;
    json_t *json; /* owned; the feature as in the data file */
    int has_bbox;
    double bbox[4]; /* west, south, east, north */
    int has_time;
    double time;        /* properties.datetime, seconds since the epoch */
    ic_rs_label *label; /* owned; NULL when the data gives none */
} ic_rs_feature;

typedef struct ic_rs_collection {
    char *id;
    char *title;
    char *description;
    ic_rs_feature *features;
    size_t nfeatures;
    int has_bbox;
    double bbox[4];
    const char *tmin; /* borrowed from a feature; NULL when no times */
    const char *tmax;
} ic_rs_collection;

/* An XML document served as is: an NVG overlay or a CoT event. */
typedef struct ic_rs_xmldoc {
    char *id; /* overlay id or event uid */
    char *title;
    char *type; /* CoT event type; NULL for overlays */
    char *body; /* with the faults of the store applied */
    size_t len;
} ic_rs_xmldoc;

typedef struct ic_rs_store {
    char *title;
    char *description;
    unsigned limit_default;
    unsigned limit_max;
    ic_rs_policy policy;
    ic_rs_collection *collections;
    size_t ncollections;
    ic_rs_xmldoc *overlays;
    size_t noverlays;
    ic_rs_xmldoc *events;
    size_t nevents;
    json_t *openapi; /* owned */
    ic_rs_faults faults;
} ic_rs_store;

/* Load dir/service.json and the files it names; IC_EINPUT naming the file
 * on any error. The faults that change served documents are applied. */
int ic_rs_store_load(ic_rs_store **out, const char *dir, ic_rs_faults faults);
void ic_rs_store_free(ic_rs_store *s);

const ic_rs_collection *ic_rs_store_collection(const ic_rs_store *s,
                                               const char *id);
const ic_rs_feature *ic_rs_collection_feature(const ic_rs_collection *c,
                                              const char *id);
const ic_rs_xmldoc *ic_rs_xmldoc_find(const ic_rs_xmldoc *docs, size_t n,
                                      const char *id);

/* Ids usable in a URL path without escaping: [A-Za-z0-9][A-Za-z0-9._-]*,
 * at most 64 characters. */
int ic_rs_id_valid(const char *id);

#endif
