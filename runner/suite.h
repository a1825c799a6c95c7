/*
 * suite — a standard's executable tests (suites/<id>/suite.json and its
 * test case files), loaded and checked so that a running suite never meets
 * malformed input.
 */
#ifndef IC_SUITE_H
#define IC_SUITE_H

#include <stddef.h>

#include <jansson.h>

#include "util.h"

typedef struct ic_class {
    char *id;
    char *title;
    char *description; /* may be NULL */
} ic_class;

typedef struct ic_test {
    char *id;
    char *class_id;
    char *title;
    char *req_document;
    char *req_clause;
    char *file; /* test case file it came from */
    char **needs;
    size_t nneeds;
    size_t *need_index; /* index of each needed test in the suite */
    json_t *when;       /* owned or NULL */
    char *foreach_var;  /* NULL when not a foreach test */
    char *foreach_as;
    json_t *foreach_max; /* number or template string */
    json_t *request;     /* owned, checked */
    json_t *asserts;     /* owned array, checked */
    json_t *captures;    /* owned object or NULL */
    int optional;
} ic_test;

typedef struct ic_suite {
    char *id;
    char *version;
    char *title;
    char *dir;  /* folder of suite.json */
    char *path; /* suite.json */
    char *std_document;
    char *std_title;
    char *std_edition;
    char *endpoint;     /* default endpoint key */
    json_t *namespaces; /* owned */
    json_t *schemas;    /* owned */
    json_t *parameters; /* owned */
    ic_class *classes;
    size_t nclasses;
    ic_test *tests;
    size_t ntests;
    char sha256[IC_SHA256_HEX_LEN + 1]; /* over suite.json and its files */
} ic_suite;

/* Load suite.json (path of the file or of its folder) and its test files. */
int ic_suite_load(ic_suite **out, const char *path);
void ic_suite_free(ic_suite *s);
const ic_class *ic_suite_class(const ic_suite *s, const char *id);
/* Index of a test by id, or -1. */
long ic_suite_test_index(const ic_suite *s, const char *id);

#endif
