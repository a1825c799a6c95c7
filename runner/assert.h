/*
 * assert — the assertion language of test cases (docs/formats.md): checking
 * an assertion when a suite loads, and evaluating it on a recorded response.
 * Also captures (response → variables) and `when` conditions.
 */
#ifndef IC_ASSERT_H
#define IC_ASSERT_H

#include <stddef.h>

#include <jansson.h>

#include "outcome.h"
#include "response.h"
#include "template.h"
#include "xml.h"

/* Evaluation context for one response; parses the body at most once. */
typedef struct ic_eval {
    const ic_response *resp;  /* borrowed */
    const json_t *namespaces; /* borrowed: prefix → URI */
    const json_t *schemas;    /* borrowed: key → URL or {url, sha256} */
    ic_schemas *schema_cache; /* borrowed */
    size_t max_pixels;
    const ic_scope *scope; /* borrowed: variables and parameters, or NULL */
    json_t *annotations;   /* borrowed: the result object; assertions may
                              add what they derived (e.g. releasability) */
    ic_xml *xml;           /* owned, lazily parsed */
    int xml_done;
    char xml_err[256];
    json_t *json; /* owned, lazily parsed */
    int json_done;
    char json_err[256];
} ic_eval;

void ic_eval_init(ic_eval *ev, const ic_response *resp,
                  const json_t *namespaces, const json_t *schemas,
                  ic_schemas *cache);
void ic_eval_dispose(ic_eval *ev);
/* The body parsed as XML / JSON (borrowed), or NULL with the reason in
 * ev->xml_err / ev->json_err. */
ic_xml *ic_eval_xml(ic_eval *ev);
json_t *ic_eval_json(ic_eval *ev);

/* Load-time checks; IC_EINPUT naming file and JSON path. */
int ic_assert_check(const json_t *a, const json_t *schemas, const char *file,
                    const char *path);
int ic_capture_check(const json_t *c, const char *file, const char *path);
int ic_when_check(const json_t *c, const char *file, const char *path);

/* Evaluate an assertion whose strings are already expanded. msg gets one
 * line saying what was expected and what was found. */
ic_outcome ic_assert_eval(ic_eval *ev, const json_t *a, char *msg,
                          size_t msglen);
/* Capture a value (new reference in *value); -1 with message when nothing
 * matched. */
int ic_capture_eval(ic_eval *ev, const json_t *spec, json_t **value, char *msg,
                    size_t msglen);
/* Evaluate a `when` condition: 1 true, 0 false, -1 with message (e.g. an
 * unresolved variable). */
int ic_when_eval(const json_t *cond, const ic_scope *scope, char *msg,
                 size_t msglen);

#endif
