/*
 * xml — the one place that parses response XML: safe parsing (no network,
 * no DTD loading, no entity expansion), XPath 1.0 with suite namespaces, and
 * XSD validation with schemas resolved through an XML catalog and compiled
 * once per run.
 */
#ifndef IC_XML_H
#define IC_XML_H

#include <stddef.h>

#include <jansson.h>

#include "outcome.h"

typedef struct ic_xml ic_xml;

/* Parse a response body; -1 with the parser's first error in err. */
int ic_xml_parse(ic_xml **out, const void *data, size_t len,
                 const json_t *namespaces, char *err, size_t errlen);
void ic_xml_free(ic_xml *x);

typedef enum {
    IC_XPATH_NODESET,
    IC_XPATH_BOOLEAN,
    IC_XPATH_NUMBER,
    IC_XPATH_STRING
} ic_xpath_type;

typedef struct ic_xpath_result {
    ic_xpath_type type;
    size_t count;   /* nodes in a node-set (0 otherwise) */
    int boolean;    /* boolean() of the result */
    double number;  /* number() of the result */
    char *string;   /* owned: string() of the result */
    char **strings; /* owned: string value of each node (node-set only) */
} ic_xpath_result;

int ic_xml_xpath(ic_xml *x, const char *expr, ic_xpath_result *res, char *err,
                 size_t errlen);
void ic_xpath_result_dispose(ic_xpath_result *res);
/* For each node selected by expr (at most max), a record whose members are
 * the string values of fields' XPaths evaluated relative to the node. */
int ic_xml_xpath_records(ic_xml *x, const char *expr, const json_t *fields,
                         size_t max, json_t **out, char *err, size_t errlen);

/* Schemas: compiled once, resolved only through catalogs, never fetched. */
typedef struct ic_schemas ic_schemas;

/* catalog: an extra OASIS catalog file, or NULL (XML_CATALOG_FILES and the
 * system catalog still apply). */
int ic_schemas_new(ic_schemas **out, const char *catalog);
void ic_schemas_free(ic_schemas *s);
/* Validate x against the schema at url; pin: expected SHA-256 of the
 * top-level schema file or NULL. */
ic_outcome ic_schemas_validate(ic_schemas *s, const char *url, const char *pin,
                               ic_xml *x, char *msg, size_t msglen);
/* [{url, path, sha256}] of every schema file loaded so far (new ref). */
json_t *ic_schemas_report(const ic_schemas *s);

#endif
