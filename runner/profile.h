/*
 * profile — certification rule sets (profiles/<id>.json) with the suites
 * they pull in, and targets (the system under test), plus where installed
 * and source-tree data (profiles, suites) is found.
 */
#ifndef IC_PROFILE_H
#define IC_PROFILE_H

#include <stddef.h>

#include <jansson.h>

#include "suite.h"
#include "util.h"

typedef enum {
    IC_CLASS_SKIP = -1,
    IC_CLASS_OPTIONAL = 0,
    IC_CLASS_MANDATORY = 1
} ic_class_mode;

typedef struct ic_profile_entry {
    ic_suite *suite; /* owned */
    json_t *classes; /* owned: class id → "mandatory" | "optional" */
} ic_profile_entry;

typedef struct ic_profile {
    char *id;
    char *version;
    char *title;
    char *path;
    json_t *basis;      /* owned array */
    json_t *parameters; /* owned object */
    ic_profile_entry *entries;
    size_t nentries;
    char sha256[IC_SHA256_HEX_LEN + 1];
} ic_profile;

/* name: a path, or a profile id looked up in the data folders. Suites are
 * looked up beside the profile (../suites) and in the data folders. */
int ic_profile_load(ic_profile **out, const char *name);
void ic_profile_free(ic_profile *p);
ic_class_mode ic_profile_class_mode(const ic_profile_entry *e,
                                    const char *class_id);

typedef struct ic_target {
    char *path;
    json_t *system;    /* owned */
    json_t *endpoints; /* owned: key → URL */
    char *auth_header; /* NULL when no auth */
    char *auth_env;
    char **secrets; /* header and query parameter names to redact */
    size_t nsecrets;
    char *ca_file;
    char sha256[IC_SHA256_HEX_LEN + 1];
} ic_target;

int ic_target_load(ic_target **out, const char *path);
/* A target from the "target" member of a report (system, endpoints). */
int ic_target_from_doc(ic_target **out, const json_t *doc, const char *origin);
void ic_target_free(ic_target *t);

/* Data folders searched in order: $ISRCERT_DATADIR, the source tree (when
 * present), the installed data folder. Returns an allocated path to
 * <dir>/<sub>/<name> that exists, or NULL. */
char *ic_data_find(const char *sub, const char *name);
/* Calls fn for every data folder that exists. */
void ic_data_dirs(void (*fn)(const char *dir, void *ctx), void *ctx);

#endif
